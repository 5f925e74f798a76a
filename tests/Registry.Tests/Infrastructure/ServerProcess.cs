using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// A registry server as a separate operating-system process (<c>dotnet Registry.Server.dll</c> from the test output
/// folder), so several instances share nothing but the database and the bucket. Dispose kills it (only this process).
/// </summary>
/// <remarks>
/// The child binds port 0 itself and the test reads the address it got from its "Now listening on" line: a port
/// picked by the test and released before the child binds it could be taken by anything else in between.
/// </remarks>
public sealed partial class ServerProcess : IRegistryEndpoint, IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string DataPath { get; }
    public string Name { get; }

    /// <summary>Where the child listens; known once <see cref="WaitReadyAsync"/> returned.</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException($"{Name} is not listening yet: await WaitReadyAsync first");

    private ServerProcess(string name, Process process, string dataPath)
    {
        Name = name;
        _process = process;
        DataPath = dataPath;
    }

    public string Log => string.Join('\n', _log);

    /// <summary>Sends SIGTERM, as a service manager stopping the server does.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    /// <summary>kill -9, keeping the data folder for a server started after it (<see cref="DisposeAsync"/> removes it).</summary>
    public async Task KillAsync()
    {
        if (Kill(_process.Id, 9) != 0) throw new InvalidOperationException($"kill -KILL {_process.Id} failed");
        await WaitForExitAsync();
    }

    /// <summary>Waits for the process to end on its own, within <see cref="Eventually.Deadline"/>; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

#pragma warning disable SYSLIB1054 // DllImport: LibraryImport would need unsafe code in the test project
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    [GeneratedRegex(@"Now listening on: (http://[^\s""\\]+)")]
    private static partial Regex ListeningLine();

    /// <summary>Starts the process; does not wait for it to be ready (see <see cref="WaitReadyAsync"/>).</summary>
    /// <param name="backend">The backend's settings (a shared database and bucket prefix, for several instances).</param>
    public static ServerProcess Start(string name, IDictionary<string, string> backend, IDictionary<string, string>? settings = null)
    {
        var folder = AppContext.BaseDirectory;
        var dll = Path.Combine(folder, "Registry.Server.dll");
        if (!File.Exists(dll) || !File.Exists(Path.Combine(folder, "Registry.Server.runtimeconfig.json")))
            throw new InvalidOperationException($"Registry.Server.dll with its runtimeconfig is not in {folder}");
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", "proc-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            // The host's own line naming the address it bound: how the test learns the port.
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in RegistryServer.Arguments(dataPath, backend, all)) start.ArgumentList.Add(argument);
        // The child must not pick up the test run's environment switches as its own configuration.
        start.Environment.Remove("ASPNETCORE_URLS");
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(name, process, dataPath);
        process.OutputDataReceived += (_, e) => server.Received(e.Data);
        process.ErrorDataReceived += (_, e) => server.Received(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Received(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    /// <summary>
    /// Waits until the server listens (it does so only after its migrations and bootstrap) and answers HTTP, within
    /// <see cref="StartDeadline"/>; fails with its log if it exits or does not.
    /// </summary>
    /// <summary>
    /// A whole process starting (runtime, JIT, migrations check, bootstrap) while both configurations' suites run on
    /// two cores takes many times what it takes alone, more than a condition inside a running server.
    /// </summary>
    public static readonly TimeSpan StartDeadline = Eventually.Deadline * 2;

    public async Task WaitReadyAsync()
    {
        using (var deadline = new CancellationTokenSource(StartDeadline))
        {
            var exited = _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAny(_listening.Task, exited);
            if (!_listening.Task.IsCompleted)
                throw _process.HasExited
                    ? new InvalidOperationException($"{Name} exited with {_process.ExitCode} during start-up:\n{Log}")
                    : new TimeoutException($"{Name} did not listen within {StartDeadline.TotalSeconds:0} s:\n{Log}");
        }
        using var client = this.Client();
        client.Timeout = Eventually.Deadline;
        using var response = await client.GetAsync("/api/v4/projects/1/packages"); // any HTTP answer: it is up
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(Eventually.Deadline);
                await _process.WaitForExitAsync(wait.Token);
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
