using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Registry.Tests.ScaleOut;

/// <summary>
/// A registry server as a separate operating-system process (<c>dotnet Registry.Server.dll</c> from the test output
/// folder), so several instances share nothing but the database and the bucket. Dispose kills it (only this process).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public Uri BaseAddress { get; }
    public string DataPath { get; }
    public string Name { get; }

    private ServerProcess(string name, Process process, Uri baseAddress, string dataPath)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        DataPath = dataPath;
    }

    public string Log => string.Join('\n', _log);

    /// <summary>Sends SIGTERM, as a service manager stopping the server does.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    /// <summary>Waits for the process to end on its own; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Starts the process; does not wait for it to be ready (see <see cref="WaitReadyAsync"/>).</summary>
    public static ServerProcess Start(string name, IDictionary<string, string> settings)
    {
        var folder = AppContext.BaseDirectory;
        var dll = Path.Combine(folder, "Registry.Server.dll");
        if (!File.Exists(dll) || !File.Exists(Path.Combine(folder, "Registry.Server.runtimeconfig.json")))
            throw new InvalidOperationException($"Registry.Server.dll with its runtimeconfig is not in {folder}");
        var port = FreePort();
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", "proc-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Registry:DataPath"] = dataPath,
            ["Registry:RootToken"] = Infrastructure.RegistryServer.RootToken,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (k, v) in all) start.ArgumentList.Add($"--{k}={v}");
        // The child must not pick up the test run's environment switches as its own configuration.
        start.Environment.Remove("ASPNETCORE_URLS");
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(name, process, new Uri($"http://127.0.0.1:{port}"), dataPath);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._log.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls until the server answers HTTP (it listens only after its migrations and bootstrap).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} during start-up:\n{Log}");
            try
            {
                using var response = await client.GetAsync("/api/v4/projects/1/packages");
                return; // any HTTP answer: it is up
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not answer within {timeout}:\n{Log}");
            await Task.Delay(200);
        }
    }

    public HttpClient Client(string? privateToken = Infrastructure.RegistryServer.RootToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (privateToken is not null) client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", privateToken);
        return client;
    }

    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/graphql", new { query, variables });
        var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (doc.TryGetProperty("errors", out var errors)) throw new InvalidOperationException("GraphQL errors: " + errors);
        return doc.GetProperty("data");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
