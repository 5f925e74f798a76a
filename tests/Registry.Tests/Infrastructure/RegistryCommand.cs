using System.Diagnostics;

namespace Registry.Tests.Infrastructure;

/// <summary>Runs a command of the server executable (<c>dotnet Registry.Server.dll backup ...</c>) as its own process.</summary>
public static class RegistryCommand
{
    /// <summary>The settings that point a command at <paramref name="server"/>'s database and storage.</summary>
    public static string[] SettingsOf(RegistryServer server) =>
        RegistryServer.Arguments(server.DataPath, TestBackend.SettingsForExistingServer(server.Instance)).Where(a => !a.StartsWith("--urls=", StringComparison.Ordinal)).ToArray();

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Registry.Server.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("ASPNETCORE_URLS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
