using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>First start (docs/api-contract.md, Running): the root user's configured token, and no token kept in plain text.</summary>
public sealed class BootstrapAndSecretsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Configured_root_token_is_an_administrator_with_api_scope()
    {
        var data = await Server.GraphQLAsync("{ currentUser { username admin } }");
        Assert.Equal("root", data.GetProperty("currentUser").GetProperty("username").GetString());
        Assert.True(data.GetProperty("currentUser").GetProperty("admin").GetBoolean());

        // api scope: the root token publishes and downloads through the generic endpoints.
        await Server.CreateGroupAsync("boot-group");
        var projectId = await Server.CreateProjectAsync("boot-group", "app");
        using var client = Server.Client(RegistryServer.RootToken);
        var url = Publishing.Url(projectId, "boot", "1.0.0", "root.txt");
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, new ByteArrayContent([42]))).StatusCode);
        Assert.Equal([42], await client.GetByteArrayAsync(url));

        using var basic = Server.Client(h => h.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("root:" + RegistryServer.RootToken))));
        Assert.Equal([42], await basic.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task No_token_is_stored_in_plain_text()
    {
        await Server.CreateGroupAsync("secret-group");
        await Server.CreateProjectAsync("secret-group", "app");
        var personal = await Server.CreateUserWithTokenAsync("secret-dev");
        await Server.AddProjectMemberAsync("secret-group/app", "secret-dev", "DEVELOPER");
        var readOnly = await Server.CreatePersonalAccessTokenAsync("secret-dev", ["READ_API"], DateTime.UtcNow.AddDays(1));
        var (deploy, _) = await Server.CreateDeployTokenAsync("secret-group/app", "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
        var job = await Server.CreateCiJobTokenAsync("secret-group/app", personal);

        // Use every token once, so anything a login might record (last used, audit) is written too.
        foreach (var (header, token) in new[] { ("PRIVATE-TOKEN", personal), ("PRIVATE-TOKEN", readOnly), ("DEPLOY-TOKEN", deploy), ("JOB-TOKEN", job) })
        {
            using var client = Server.Client(h => h.Add(header, token));
            var put = await client.PutAsync(Publishing.Url("secret-group/app", "s", "1.0.0", "f.txt"), new ByteArrayContent([1]));
            Assert.NotEqual(HttpStatusCode.Unauthorized, put.StatusCode);
        }

        var images = await TestBackend.DatabaseImagesAsync(Server);
        if (!TestBackend.IsPostgresS3)
        {
            Assert.Contains(images, i => i.Name == "registry.db");
            Assert.Contains(images, i => i.Name == "registry.db-wal");
        }
        Assert.Contains(images, i => i.Bytes.Length > 0);
        foreach (var token in new[] { RegistryServer.RootToken, personal, readOnly, deploy, job })
        {
            var secretPart = token[(token.IndexOf('-') + 1)..]; // without a glpat-/gldt-/glcbt- prefix as well
            foreach (var (name, bytes) in images)
            {
                Assert.False(Contains(bytes, token), $"{name} holds a token in plain text");
                Assert.False(Contains(bytes, secretPart), $"{name} holds a token's secret part in plain text");
            }
        }
    }

    [Fact]
    public async Task Root_token_shorter_than_20_characters_is_refused_at_start()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:RootToken"] = "too-short" }, dataPath));
            Assert.Contains("20", error.Message);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Empty_root_token_setting_means_a_generated_token()
    {
        // Registry__RootToken= (set but empty) is "not set": the registry starts and the root user gets a random token.
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:RootToken"] = "" });
        var anonymous = await server.GraphQLRawAsync("{ currentUser { username } }", token: null);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, anonymous.GetProperty("data").GetProperty("currentUser").ValueKind);
        var doc = await server.GraphQLRawAsync("{ currentUser { username } }", token: RegistryServer.RootToken);
        Assert.False(doc.TryGetProperty("data", out var data) && data.GetProperty("currentUser").ValueKind == System.Text.Json.JsonValueKind.Object);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
