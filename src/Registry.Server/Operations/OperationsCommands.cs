using Registry.Server.Hosting;

namespace Registry.Server.Operations;

/// <summary>
/// Commands of the server executable, run instead of the server: <c>backup &lt;dir&gt;</c>, <c>restore &lt;dir&gt;</c>,
/// <c>verify [--repair]</c>. Settings come as for the server (appsettings.json, environment, <c>--Key=value</c>), so a
/// command sees the same database and storage the server does.
/// </summary>
public static class OperationsCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "backup" or "restore" or "verify";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        var command = args[0];
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var flags = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal) && !a.Contains('=')).ToList();
        var settings = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')).ToArray();
        // Commands talk on stdout; the host's own logging stays quiet unless something is wrong.
        var app = RegistryApplication.Build([.. settings, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Warning"]);
        await using (app)
        {
            switch (command)
            {
                case "backup" when positional.Count == 1 && flags.Count == 0:
                    return await BackupCommand.RunAsync(app.Services, positional[0], output, ct);
                case "restore" when positional.Count == 1 && flags.Count == 0:
                    return await RestoreCommand.RunAsync(app.Services, positional[0], output, ct);
                case "verify" when positional.Count == 0 && flags.All(f => f == "--repair"):
                    return await VerifyCommand.RunAsync(app.Services, repair: flags.Count > 0, output, ct);
                default:
                    await output.WriteLineAsync("Usage: Registry.Server backup <dir> | restore <dir> | verify [--repair]  [--Setting=value ...]");
                    return 2;
            }
        }
    }
}
