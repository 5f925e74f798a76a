using System.Net;
using System.Security.Cryptography;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

/// <summary>
/// Uploads that finish together are recorded in one transaction (group commit): a 201 is sent only once its batch is
/// durable, and a crash at any point of a batch loses nothing that was acknowledged.
/// </summary>
public sealed class GroupCommitCrashTests
{
    [Fact]
    public async Task A_kill_between_a_batch_commit_and_its_201s_leaves_every_file_of_the_batch_byte_exact()
    {
        var instance = Guid.NewGuid().ToString("N");
        // The batch waits a minute between its commit and its answers: the window a crash can fall into, made wide.
        await using var process = ServerProcess.Start("group-commit", await TestBackend.SettingsForNewServerAsync(instance),
            new Dictionary<string, string> { ["Registry:PublishAcknowledgementDelay"] = "00:01:00" });
        await process.WaitReadyAsync();
        await process.GraphQLAsync("mutation { createGroup(input: {path: \"batch\", visibility: PRIVATE}) { errors } }");
        await process.GraphQLAsync("mutation { createProject(input: {namespacePath: \"batch\", path: \"app\"}) { errors } }");
        var files = Enumerable.Range(0, 8)
            .Select(i => (Url: Publishing.Url("batch/app", "pkg", "1.0.0", $"file-{i}.bin"), Bytes: RandomNumberGenerator.GetBytes(16 * 1024 + i)))
            .ToList();
        using var uploader = process.Client(RegistryServer.RootToken);
        uploader.Timeout = TimeSpan.FromMinutes(2);
        var uploads = files.Select(f => uploader.PutAsync(f.Url, new ByteArrayContent(f.Bytes))).ToList();

        // Committed: another request reads every file while none of the uploads has been answered.
        using var reader = process.Client(RegistryServer.RootToken);
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var (url, _) in files)
                using (var response = await reader.GetAsync(url))
                    if (response.StatusCode != HttpStatusCode.OK) return false;
            return true;
        }, "every file of the batch is committed");
        Assert.DoesNotContain(uploads, u => u.IsCompleted);

        await process.KillAsync();
        foreach (var upload in uploads) await Assert.ThrowsAnyAsync<Exception>(() => upload); // never answered

        await AssertServedAfterRestartAsync(process, instance, files);
    }

    [Fact]
    public async Task A_kill_under_many_concurrent_uploads_keeps_every_acknowledged_file_byte_exact()
    {
        var instance = Guid.NewGuid().ToString("N");
        await using var process = ServerProcess.Start("group-commit-load", await TestBackend.SettingsForNewServerAsync(instance));
        await process.WaitReadyAsync();
        await process.GraphQLAsync("mutation { createGroup(input: {path: \"load\", visibility: PRIVATE}) { errors } }");
        await process.GraphQLAsync("mutation { createProject(input: {namespacePath: \"load\", path: \"app\"}) { errors } }");
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Url, byte[] Bytes)>();
        using var stop = new CancellationTokenSource();
        async Task UploadLoopAsync(int client)
        {
            using var http = process.Client(RegistryServer.RootToken);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var url = Publishing.Url("load/app", "pkg", "1.0.0", $"c{client}-{n}.bin");
                var bytes = RandomNumberGenerator.GetBytes(1024 + n % 7);
                try
                {
                    using var response = await http.PutAsync(url, new ByteArrayContent(bytes));
                    if (response.StatusCode == HttpStatusCode.Created) acknowledged.Add((url, bytes));
                }
                catch (Exception) { return; } // the server died under this request: it was never acknowledged
            }
        }
        var clients = Enumerable.Range(0, 16).Select(UploadLoopAsync).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= 200), "uploads are being acknowledged");
        await process.KillAsync();
        stop.Cancel();
        await Task.WhenAll(clients);

        await AssertServedAfterRestartAsync(process, instance, acknowledged);
    }

    /// <summary>
    /// A server started on the killed one's data and database serves each file byte-exact (and holds its bytes in the
    /// database: they are all small). It runs in this process: what
    /// is checked is what the kill left, and another process's start costs a loaded machine many seconds.
    /// </summary>
    private static async Task AssertServedAfterRestartAsync(ServerProcess killed, string instance, IEnumerable<(string Url, byte[] Bytes)> files)
    {
        try
        {
            await using var after = await RegistryServer.StartAsync(instanceOf: (instance, killed));
            using var root = after.Client(RegistryServer.RootToken);
            foreach (var (url, bytes) in files) Assert.Equal(bytes, await root.GetByteArrayAsync(url));
            // Small bodies: their bytes were kept in the database, made durable by the commit of their batch.
            var bodies = (await TestBackend.DatabaseBodiesAsync(after)).Select(b => Convert.ToHexString(b.Data)).ToHashSet();
            Assert.All(files, f => Assert.Contains(Convert.ToHexString(f.Bytes), bodies));
        }
        finally
        {
            await TestBackend.DropDatabaseAsync(instance);
        }
    }
}
