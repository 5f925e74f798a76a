using Microsoft.Playwright;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Web;

/// <summary>One registry and one headless Chromium for the browser tests of a class; each test opens its own context
/// (its own cookies), as a separate person would.</summary>
public sealed class WebUiFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        HeadlessChromium.AssertInstalled();
        Server = await RegistryServer.StartAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await HeadlessChromium.LaunchAsync(Playwright);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Server.DisposeAsync();
    }
}
