using Microsoft.Playwright;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium (<c>apt-get install chromium</c>; tests/run.sh installs it) driven by the Playwright
/// driver inside the Microsoft.Playwright NuGet package: no browser download. A missing Chromium fails the test.
/// </summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic",
    ];

    /// <summary>
    /// Every browser wait (navigation, locator, expect) has the suite's one deadline: a loaded 2-core machine has taken
    /// more than 30 s for Chromium's first navigation, and the deadline costs time only when a test is failing.
    /// </summary>
    public static float Deadline => (float)Eventually.Deadline.TotalMilliseconds;

    static HeadlessChromium() => Assertions.SetDefaultExpectTimeout(Deadline);

    public static void AssertInstalled() =>
        Assert.True(File.Exists(ExecutablePath),
            $"{ExecutablePath} is missing: install Debian's chromium (`apt-get install -y chromium`; tests/run.sh does this).");

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = Args, Timeout = Deadline });

    /// <summary>Where browser tests keep their screenshots: TestResults/ui-screenshots/&lt;configuration&gt;/ at the repository root.</summary>
    public static string ScreenshotFolder
    {
        get
        {
            var folder = Path.Combine(RepositoryRoot.Path, "TestResults", "ui-screenshots", TestBackend.IsPostgresS3 ? "postgres-s3" : "sqlite-files");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }
}
