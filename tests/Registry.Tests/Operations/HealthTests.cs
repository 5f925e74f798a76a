using System.Net;
using System.Text.Json;
using Npgsql;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

public sealed class HealthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Probes_answer_without_authentication_in_gitlabs_shapes()
    {
        using var client = Server.Client();
        using var liveness = await client.GetAsync("/-/liveness");
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await liveness.Content.ReadAsStringAsync());

        using var readiness = await client.GetAsync("/-/readiness");
        Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
        Assert.Equal("application/json", readiness.Content.Headers.ContentType!.ToString());
        var body = JsonDocument.Parse(await readiness.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", body.GetProperty("status").GetString());
        foreach (var check in new[] { "db_check", "migrations_check", "storage_check" })
            Assert.Equal("ok", body.GetProperty(check)[0].GetProperty("status").GetString());
        // Only statuses: no version, no exception text, no timings.
        Assert.All(body.EnumerateObject().Where(p => p.Name != "status"),
            p => Assert.Equal(["status"], p.Value[0].EnumerateObject().Select(q => q.Name)));

        using var health = await client.GetAsync("/-/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("GitLab OK", await health.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Readiness_fails_naming_storage_when_the_blob_folder_is_gone()
    {
        Skip.If(TestBackend.IsPostgresS3, "the file-system store's check");
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client();
        var blobs = Path.Combine(server.DataPath, "blobs");
        Directory.Delete(blobs, recursive: true);

        using var failed = await client.GetAsync("/-/readiness");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        var body = JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("failed", body.GetProperty("status").GetString());
        Assert.Equal("failed", body.GetProperty("storage_check")[0].GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("db_check")[0].GetProperty("status").GetString());
        // The process itself is fine.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/liveness")).StatusCode);

        Directory.CreateDirectory(Path.Combine(blobs, "tmp"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/readiness")).StatusCode);
    }

    [SkippableFact]
    public async Task Readiness_turns_503_while_postgresql_is_unreachable_and_recovers()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "needs the PostgreSQL configuration");
        var admin = new NpgsqlConnectionStringBuilder(TestBackend.PostgresAdmin);
        var database = "registry_test_readiness_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection).ExecuteNonQueryAsync();
        }
        await using var proxy = new TcpProxy(admin.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(admin.ConnectionString)
        {
            Host = "127.0.0.1", Port = proxy.Port, Database = database, Timeout = 3,
        };
        try
        {
            await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings:Registry"] = throughProxy.ConnectionString,
            });
            using var client = server.Client();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/readiness")).StatusCode);

            await proxy.CutAsync();
            using var failed = await client.GetAsync("/-/readiness");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            var body = JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("failed", body.GetProperty("db_check")[0].GetProperty("status").GetString());
            Assert.Equal("ok", body.GetProperty("storage_check")[0].GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/liveness")).StatusCode);

            proxy.Restore();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/readiness")).StatusCode);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }
    }
}
