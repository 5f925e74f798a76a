using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Registry.Tests.Web;
using Xunit.Abstractions;

namespace Registry.Tests.Hooks;

/// <summary>The web UI's Webhooks page: add a hook, send a test event, see the delivery listed and resend it.</summary>
public sealed class WebhooksPageTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    [Fact]
    public async Task A_maintainer_adds_a_hook_tests_it_and_sees_the_delivery_listed()
    {
        var server = fixture.Server;
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("webui-hooks");
        await server.CreateProjectAsync("webui-hooks", "app");
        await using var receiver = await HookReceiver.StartedAsync();

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync(RegistryServer.RootPassword);
        await page.GetByLabel("Password").PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();

        await page.GotoAsync("/webui-hooks/app/-/hooks");
        await page.GetByLabel("URL").FillAsync(receiver.Url);
        await page.GetByLabel("Secret token").FillAsync("ui-token-value-42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        var secret = await page.GetByTestId("new-token").InputValueAsync();
        Assert.StartsWith("whsec_", secret);
        var hook = page.GetByTestId("webhook");
        await Assertions.Expect(hook).ToContainTextAsync(receiver.Url);

        await hook.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        await Assertions.Expect(hook.GetByTestId("delivery").First).ToContainTextAsync("200");
        Assert.Equal("ui-token-value-42", Assert.Single(receiver.Received).Headers["X-Gitlab-Token"]);
        // The token is never shown again on the page.
        Assert.DoesNotContain("ui-token-value-42", await page.ContentAsync());

        await hook.GetByRole(AriaRole.Button, new() { Name = "Resend" }).First.ClickAsync();
        await Assertions.Expect(hook.GetByTestId("delivery")).ToHaveCountAsync(2);
        await Eventually.HoldsAsync(() => receiver.Received.Count == 2, "the resent delivery");
        await context.CloseAsync();
    }
}
