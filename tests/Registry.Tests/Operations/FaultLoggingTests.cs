using System.Net;
using Microsoft.Extensions.Logging;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

/// <summary>Conditions the server handles are not failures: operators who alert on error lines must not be paged.</summary>
public sealed class FaultLoggingTests
{
    [Fact]
    public async Task Racing_uploads_into_a_new_version_log_no_error()
    {
        var logs = new LogCapture();
        await using var server = await RegistryServer.StartAsync(configureServices: logs.AddTo);
        await server.CreateGroupAsync("race");
        await server.CreateProjectAsync("race", "app");
        using var client = server.Client(RegistryServer.RootToken);

        for (var round = 0; round < 3; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
            {
                using var put = await client.PutAsync(Publishing.Url("race/app", "pkg", $"1.0.{round}", $"f{i}.bin"),
                    new ByteArrayContent(new byte[1024]));
                return put.StatusCode;
            }));
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        }
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }

    /// <summary>
    /// With duplicates refused, uploads into one version run serializable: on PostgreSQL the losers fail with 40001
    /// "could not serialize access" (often while reading) and are retried. Handled, so no error line.
    /// </summary>
    [Fact]
    public async Task Racing_uploads_with_duplicates_refused_log_no_error()
    {
        var logs = new LogCapture();
        await using var server = await RegistryServer.StartAsync(configureServices: logs.AddTo);
        await server.CreateGroupAsync("strict");
        await server.CreateProjectAsync("strict", "app");
        await server.SetSettingsAsync("strict", allowed: false, regex: null);
        using var client = server.Client(RegistryServer.RootToken);

        for (var round = 0; round < 3; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
            {
                using var put = await client.PutAsync(Publishing.Url("strict/app", "pkg", $"1.0.{round}", $"f{i}.bin"),
                    new ByteArrayContent(new byte[1024]));
                return put.StatusCode;
            }));
            Assert.True(statuses.All(s => s == HttpStatusCode.Created),
                string.Join(", ", statuses) + "\n" + string.Join("\n", logs.AtLeast(LogLevel.Error).Select(e => e + " " + e.Exception)));
        }
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task A_stalled_upload_logs_no_error()
    {
        var logs = new LogCapture();
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:UploadIdleTimeout"] = "00:00:01" },
            configureServices: logs.AddTo);
        await server.CreateGroupAsync("stall");
        var projectId = await server.CreateProjectAsync("stall", "app");
        var answer = await RawHttp.SendThenStallAsync(server.BaseAddress, Publishing.Url(projectId, "stalled", "1.0", "f.bin"),
            contentLength: 1024 * 1024, send: 100 * 1024, RegistryServer.RootToken);
        Assert.Equal(408, answer.Status);
        // Kestrel's line about the unread rest of the body comes as the connection winds down, after the answer.
        await server.StopKeepingDataAsync();
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }
}
