using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The web UI under its Content-Security-Policy: every page works and the browser reports no violation, while a script
/// injected into a page does not run. (Banana Cake Pop under its own policy: BananaCakePopBrowserTests.)
/// </summary>
public sealed class ContentSecurityPolicyBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task The_pages_work_under_the_policy_and_an_injected_inline_script_does_not_run()
    {
        await Server.CreateGroupAsync("csp", "PUBLIC");
        await Server.CreateProjectAsync("csp", "app", "PUBLIC");
        using (var client = Server.Client(RegistryServer.RootToken))
            (await client.PutAsync(Publishing.Url("csp/app", "tool", "1.0.0", "tool.bin"), new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        var violations = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (violations) violations.Add(m.Text);
        };
        page.PageError += (_, e) => output.WriteLine("page error: " + e);

        var signInPage = await page.GotoAsync("/users/sign_in");
        Assert.Contains("script-src 'self'", signInPage!.Headers["content-security-policy"]);
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync(RegistryServer.RootPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();

        await page.GotoAsync("/");
        await page.GetByText("csp/app").First.WaitForAsync();
        await page.GotoAsync("/csp/app/-/packages");
        await page.GetByText("tool", new() { Exact = true }).First.ClickAsync();
        await page.GetByText("tool.bin").First.WaitForAsync();
        await page.GotoAsync("/csp/app/-/settings/packages_and_registries");
        await page.GetByText("Protected packages").First.WaitForAsync();
        await page.GotoAsync("/admin");
        await page.GetByText("root").First.WaitForAsync();

        // A script that made its way into the page as markup (what an XSS would add) is refused.
        var ran = await page.EvaluateAsync<bool>("""
            () => new Promise(resolve => {
              const s = document.createElement('script');
              s.textContent = 'window.__injected = true';
              document.head.appendChild(s);
              setTimeout(() => resolve(window.__injected === true), 100);
            })
            """);
        Assert.False(ran, "an inline script ran");
        await Eventually.HoldsAsync(() => { lock (violations) return violations.Count > 0; }, "the browser reports the refused inline script");
        lock (violations)
        {
            output.WriteLine(string.Join('\n', violations));
            Assert.Single(violations);
            Assert.Contains("inline script", violations[0], StringComparison.OrdinalIgnoreCase);
        }
        await context.CloseAsync();
    }
}
