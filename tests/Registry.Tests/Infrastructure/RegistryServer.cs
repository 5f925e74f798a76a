using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Data;
using Registry.Server.Hosting;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// A real registry: Kestrel on 127.0.0.1 with a fresh data folder (SQLite file and blobs), started exactly as
/// <c>Program</c> starts it. Its HTTP helpers (clients, GraphQL, administration, publishing) are extension methods of
/// <see cref="IRegistryEndpoint"/>: <see cref="RegistryClient"/>, <see cref="Publishing"/>, <see cref="PackageGraphQL"/>.
/// </summary>
public sealed class RegistryServer : IRegistryEndpoint, IAsyncDisposable
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
    /// <param name="instanceOf">Start on the database, bucket prefix and data folder of a <see cref="ServerProcess"/>
    /// that was killed or stopped (a restart in this process, without another process's start-up).</param>
    public static async Task<RegistryServer> StartAsync(IDictionary<string, string>? settings = null, string? dataPath = null,
        Action<IServiceCollection>? configureServices = null, RegistryServer? restartOf = null, (string Instance, ServerProcess Process)? instanceOf = null)
    {
        dataPath ??= restartOf?.DataPath ?? instanceOf?.Process.DataPath;
        dataPath ??= Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        var existing = restartOf?.Instance ?? instanceOf?.Instance;
        var instance = existing ?? Guid.NewGuid().ToString("N");
        var backend = existing is null ? await TestBackend.SettingsForNewServerAsync(instance) : TestBackend.SettingsForExistingServer(instance);
        var app = RegistryApplication.Build(Arguments(dataPath, backend, settings), configureServices);
        await app.InitializeRegistryAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RegistryServer(app, new Uri(address), dataPath) { Instance = instance };
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
