using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Data;
using Registry.Server.Hosting;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// A real registry: Kestrel on 127.0.0.1 with a fresh data folder (SQLite file and blobs), started exactly as
/// <c>Program</c> starts it.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string RootToken = "root-token-for-tests-0123456789";
    public const string RootPassword = "root-password-for-tests";

    private readonly WebApplication _app;

    public Uri BaseAddress { get; }
    /// <summary>Names this server's database and bucket prefix on the PostgreSQL/S3 backend.</summary>
    public string Instance { get; private init; } = "";
    public string DataPath { get; }
    public IServiceProvider Services => _app.Services;

    private RegistryServer(WebApplication app, Uri baseAddress, string dataPath)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataPath = dataPath;
    }

    /// <summary>
    /// A test server's command line: loopback on a free port, its data folder, the root token, quiet logs, then the
    /// backend's settings and the test's own, each overriding what comes before.
    /// </summary>
    public static string[] Arguments(string dataPath, IDictionary<string, string> backend, IDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Registry:DataPath"] = dataPath,
            ["Registry:RootToken"] = RootToken,
            ["Registry:RootPassword"] = RootPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        };
        foreach (var (k, v) in backend) all[k] = v;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        return all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
    }

    /// <param name="restartOf">Start on the database, bucket prefix and data folder of a stopped server (a restart).</param>
    public static async Task<RegistryServer> StartAsync(IDictionary<string, string>? settings = null, string? dataPath = null,
        Action<IServiceCollection>? configureServices = null, RegistryServer? restartOf = null)
    {
        dataPath ??= restartOf?.DataPath;
        dataPath ??= Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        var instance = restartOf?.Instance ?? Guid.NewGuid().ToString("N");
        var backend = restartOf is null ? await TestBackend.SettingsForNewServerAsync(instance) : TestBackend.SettingsForExistingServer(instance);
        var app = RegistryApplication.Build(Arguments(dataPath, backend, settings), configureServices);
        await app.InitializeRegistryAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RegistryServer(app, new Uri(address), dataPath) { Instance = instance };
    }

    public HttpClient Client(string? privateToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (privateToken is not null) client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", privateToken);
        return client;
    }

    public HttpClient Client(Action<HttpRequestHeaders> configure)
    {
        var client = Client();
        configure(client.DefaultRequestHeaders);
        return client;
    }

    /// <summary>Runs a GraphQL operation and returns its <c>data</c>; fails the test on any GraphQL error.</summary>
    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null, string? token = RootToken)
    {
        var doc = await GraphQLRawAsync(query, variables, token);
        if (doc.TryGetProperty("errors", out var errors)) throw new InvalidOperationException("GraphQL errors: " + errors);
        return doc.GetProperty("data");
    }

    public async Task<JsonElement> GraphQLRawAsync(string query, object? variables = null, string? token = RootToken)
    {
        using var client = Client(token);
        using var response = await client.PostAsJsonAsync("/api/graphql", new { query, variables });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<long> CreateGroupAsync(string path, string visibility = "PRIVATE", string? parentPath = null, string? token = RootToken)
    {
        var data = await GraphQLAsync("mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } errors } }",
            new { i = new { path, parentPath, visibility } }, token);
        return IdOf(data.GetProperty("createGroup"), "group");
    }

    public async Task<long> CreateProjectAsync(string namespacePath, string path, string visibility = "PRIVATE", string? token = RootToken)
    {
        var data = await GraphQLAsync("mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } errors } }",
            new { i = new { namespacePath, path, visibility } }, token);
        return IdOf(data.GetProperty("createProject"), "project");
    }

    public async Task CreateUserAsync(string username, bool admin = false)
    {
        var data = await GraphQLAsync("mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } errors } }",
            new { i = new { username, admin } });
        AssertNoErrors(data.GetProperty("createUser"));
    }

    /// <summary>Creates a user and an <c>api</c> (or given scopes) token for them.</summary>
    public async Task<string> CreateUserWithTokenAsync(string username, params string[] scopes)
    {
        await CreateUserAsync(username);
        return await CreatePersonalAccessTokenAsync(username, scopes.Length == 0 ? ["API"] : scopes);
    }

    public async Task<string> CreatePersonalAccessTokenAsync(string username, string[] scopes, DateTime? expiresAt = null)
    {
        var data = await GraphQLAsync("mutation($i: CreatePersonalAccessTokenInput!) { createPersonalAccessToken(input: $i) { token errors } }",
            new { i = new { username, name = "test", scopes, expiresAt } });
        return TokenOf(data.GetProperty("createPersonalAccessToken"));
    }

    public async Task AddProjectMemberAsync(string projectPath, string username, string accessLevel)
    {
        var data = await GraphQLAsync("mutation($i: AddProjectMemberInput!) { addProjectMember(input: $i) { errors } }",
            new { i = new { projectPath, username, accessLevel } });
        AssertNoErrors(data.GetProperty("addProjectMember"));
    }

    public async Task AddGroupMemberAsync(string groupPath, string username, string accessLevel)
    {
        var data = await GraphQLAsync("mutation($i: AddGroupMemberInput!) { addGroupMember(input: $i) { errors } }",
            new { i = new { groupPath, username, accessLevel } });
        AssertNoErrors(data.GetProperty("addGroupMember"));
    }

    public async Task<(string Token, string Username)> CreateDeployTokenAsync(string projectPath, params string[] scopes)
    {
        var data = await GraphQLAsync("mutation($i: CreateDeployTokenInput!) { createDeployToken(input: $i) { token username errors } }",
            new { i = new { projectPath, name = "deploy", scopes } });
        var payload = data.GetProperty("createDeployToken");
        return (TokenOf(payload), payload.GetProperty("username").GetString()!);
    }

    public async Task<string> CreateCiJobTokenAsync(string projectPath, string token)
    {
        var data = await GraphQLAsync("mutation($i: CreateCiJobTokenInput!) { createCiJobToken(input: $i) { token errors } }",
            new { i = new { projectPath } }, token);
        return TokenOf(data.GetProperty("createCiJobToken"));
    }

    public static string GenericUrl(object project, string name, string version, string file) =>
        $"/api/v4/projects/{project}/packages/generic/{name}/{version}/{file}";

    private static long IdOf(JsonElement payload, string field)
    {
        AssertNoErrors(payload);
        var gid = payload.GetProperty(field).GetProperty("id").GetString()!;
        return long.Parse(gid[(gid.LastIndexOf('/') + 1)..]);
    }

    private static string TokenOf(JsonElement payload)
    {
        AssertNoErrors(payload);
        return payload.GetProperty("token").GetString()!;
    }

    private static void AssertNoErrors(JsonElement payload)
    {
        var errors = payload.GetProperty("errors");
        if (errors.GetArrayLength() > 0) throw new InvalidOperationException("Mutation errors: " + errors);
    }

    /// <summary>Stops the server but keeps its data folder, so a new server can start on <see cref="DataPath"/>.</summary>
    public async Task StopKeepingDataAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private bool _stopped;

    public async ValueTask DisposeAsync()
    {
        await StopKeepingDataAsync();
        await TestBackend.DropDatabaseAsync(Instance);
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One server per test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;
    public async Task InitializeAsync() => Server = await RegistryServer.StartAsync();
    public async Task DisposeAsync() => await Server.DisposeAsync();
}
