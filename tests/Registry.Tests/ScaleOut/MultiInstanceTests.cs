using System.Net;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.ScaleOut;

/// <summary>
/// Two registry server processes on one PostgreSQL database and one bucket prefix behave as one registry.
/// Needs PostgreSQL + S3 (<c>REGISTRY_TEST_BACKEND=postgres-s3</c>): on SQLite and local files the instances could
/// not share anything, so in that configuration these tests are reported as skipped.
/// </summary>
public sealed class MultiInstanceTests
{
    private const string NeedsBackend = "Several instances need the PostgreSQL + S3 configuration (REGISTRY_TEST_BACKEND=postgres-s3)";

    [SkippableFact]
    public async Task Two_processes_on_one_database_and_bucket_behave_as_one_registry()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, NeedsBackend);

        var instance = "multi" + Guid.NewGuid().ToString("N")[..12];
        // Creates the empty database registry_test_<instance> through the admin connection; both servers share it and the prefix.
        var shared = await TestBackend.SettingsForNewServerAsync(instance, empty: true);
        ServerProcess? a = null, b = null;
        try
        {
            // Both start at once: their migrations and root bootstrap race on the empty database.
            a = ServerProcess.Start("A", shared);
            b = ServerProcess.Start("B", shared);
            await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());
            var servers = new[] { a, b };

            var group = "multi-" + Guid.NewGuid().ToString("N")[..8];
            await a.CreateGroupAsync(group);
            var project = await a.CreateProjectAsync(group, "app");

            // 40 parallel uploads of different files into one new version, alternating between the instances; a few
            // are larger than the 8 MiB part size so multipart uploads run on both.
            const int count = 40;
            var sizes = Enumerable.Range(0, count).Select(i => i % 10 == 3 ? 9L * 1024 * 1024 + i : 1000L + i * 7919).ToArray();
            var clients = servers.Select(s => s.Client(RegistryServer.RootToken)).ToArray();
            try
            {
                var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
                {
                    var url = Publishing.Url(project, "multi", "1.0.0", $"f{i}.bin") + "?select=package_file";
                    using var response = await clients[i % 2].PutAsync(url, new GeneratedContent(sizes[i], seed: 500 + i));
                    return (i, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
                }));
                var packageIds = new HashSet<long>();
                foreach (var (i, status, body) in results)
                {
                    Assert.True(status == HttpStatusCode.OK, $"upload {i} on {servers[i % 2].Name}: {(int)status} {body}\nA:\n{a.Log}\nB:\n{b.Log}");
                    var json = JsonDocument.Parse(body).RootElement;
                    packageIds.Add(json.GetProperty("package_id").GetInt64());
                    Assert.Equal(GeneratedContent.Sha256(sizes[i], 500 + i), json.GetProperty("file_sha256").GetString());
                }
                var package = Assert.Single(packageIds);

                foreach (var client in clients)
                {
                    using var files = await client.GetAsync($"/api/v4/projects/{project}/packages/{package}/package_files?per_page=100");
                    Assert.Equal(HttpStatusCode.OK, files.StatusCode);
                    var list = JsonDocument.Parse(await files.Content.ReadAsStringAsync()).RootElement;
                    Assert.Equal(count, list.GetArrayLength());
                    Assert.Equal(Enumerable.Range(0, count).Select(i => $"f{i}.bin").Order(),
                        list.EnumerateArray().Select(f => f.GetProperty("file_name").GetString()!).Order());
                    using var packages = await client.GetAsync($"/api/v4/projects/{project}/packages?package_name=multi");
                    Assert.Equal(1, JsonDocument.Parse(await packages.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
                }

                // Every file, byte-exact, through either instance.
                for (var i = 0; i < count; i++)
                {
                    foreach (var client in clients)
                    {
                        using var get = await client.GetAsync(Publishing.Url(project, "multi", "1.0.0", $"f{i}.bin"), HttpCompletionOption.ResponseHeadersRead);
                        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                        var (sha, length) = await StreamHash.Sha256Async(await get.Content.ReadAsStreamAsync());
                        Assert.Equal(sizes[i], length);
                        Assert.Equal(GeneratedContent.Sha256(sizes[i], 500 + i), sha);
                    }
                }

                // B accepts a duplicate while duplicates are allowed (whatever B might cache is now warm) ...
                var dupUrl = Publishing.Url(project, "multi", "1.0.0", "f0.bin");
                using (var dup = await clients[1].PutAsync(dupUrl, new GeneratedContent(1234, seed: 1)))
                    Assert.Equal(HttpStatusCode.Created, dup.StatusCode);
                // ... A refuses duplicates from now on ...
                Assert.Empty((await a.UpdateSettingsAsync(group, allowed: false, regex: null)).Errors());
                // ... and B's very next upload follows the new setting.
                using (var refused = await clients[1].PutAsync(dupUrl, new GeneratedContent(4321, seed: 2)))
                {
                    Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                    Assert.Equal("""{"message":"400 Bad request - Duplicate package is not allowed"}""", await refused.Content.ReadAsStringAsync());
                }
                // And back: allowed again on B, A's next upload of a duplicate succeeds.
                Assert.Empty((await b.UpdateSettingsAsync(group, allowed: true, regex: null)).Errors());
                using (var allowed = await clients[0].PutAsync(dupUrl, new GeneratedContent(4321, seed: 2)))
                    Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);

                // Duplicates refused again, and 12 uploads of one new file name race across both instances: exactly one
                // is stored, whichever instance took it; every other is GitLab's refusal.
                Assert.Empty((await b.UpdateSettingsAsync(group, allowed: false, regex: null)).Errors());
                var race = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
                {
                    using var response = await clients[i % 2].PutAsync(Publishing.Url(project, "race", "1.0.0", "same.bin"),
                        new GeneratedContent(64 * 1024, seed: 700 + i));
                    return (i, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
                }));
                var winner = Assert.Single(race, r => r.StatusCode == HttpStatusCode.Created);
                Assert.All(race.Where(r => r.StatusCode != HttpStatusCode.Created), r =>
                {
                    Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"upload {r.i}: {(int)r.StatusCode} {r.Body}");
                    Assert.Equal("""{"message":"400 Bad request - Duplicate package is not allowed"}""", r.Body);
                });
                foreach (var client in clients)
                {
                    var raced = JsonDocument.Parse(await client.GetStringAsync($"/api/v4/projects/{project}/packages?package_name=race")).RootElement;
                    var racedId = Assert.Single(raced.EnumerateArray()).GetProperty("id").GetInt64();
                    var racedFiles = JsonDocument.Parse(await client.GetStringAsync($"/api/v4/projects/{project}/packages/{racedId}/package_files")).RootElement;
                    Assert.Equal(GeneratedContent.Sha256(64 * 1024, 700 + winner.i), Assert.Single(racedFiles.EnumerateArray()).GetProperty("file_sha256").GetString());
                }
            }
            finally
            {
                foreach (var client in clients) client.Dispose();
            }
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
            await TestBackend.DropDatabaseAsync(instance);
        }
    }
}
