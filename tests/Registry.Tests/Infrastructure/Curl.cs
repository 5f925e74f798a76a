using System.Diagnostics;

namespace Registry.Tests.Infrastructure;

/// <summary>Runs the real curl, as the README's and GitLab's snippets do; returns the HTTP status and the body.</summary>
public static class Curl
{
    public static async Task<(int Status, string Body)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--silent", "--show-error", "--write-out", "\n%{http_code}" }.Concat(args)) start.ArgumentList.Add(a);
        using var curl = Process.Start(start)!;
        var stdout = curl.StandardOutput.ReadToEndAsync();
        var stderr = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var text = await stdout;
        Assert.True(curl.ExitCode == 0, $"curl exited {curl.ExitCode}: {await stderr}");
        var cut = text.LastIndexOf('\n');
        return (int.Parse(text[(cut + 1)..]), text[..cut]);
    }
}
