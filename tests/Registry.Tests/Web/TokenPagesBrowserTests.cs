using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The token pages read alike: personal, project and deploy tokens that expire on the same day show the same words for
/// it; the counts match the rows (all of them, the active ones beside); a revoke says it is done; and the bot user behind
/// a project access token is marked as a bot in the admin area, with nothing to make it an administrator.
/// </summary>
public sealed class TokenPagesBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Every_kind_of_token_shows_one_date_format_counts_that_match_a_revoke_notice_and_bots_as_bots()
    {
        await Server.CreateGroupAsync("tokpages");
        await Server.CreateProjectAsync("tokpages", "app");
        await Server.CreateUserAsync("tokpages-person", password: "person-password");
        async Task<IPage> SignInAsync(string username, string password)
        {
            var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
            var signedIn = await context.NewPageAsync();
            signedIn.SetDefaultTimeout(HeadlessChromium.Deadline);
            signedIn.PageError += (_, e) => output.WriteLine("page error: " + e);
            await signedIn.GotoAsync("/users/sign_in");
            await signedIn.GetByLabel("Username").FillAsync(username);
            await signedIn.GetByLabel("Password").FillAsync(password);
            await signedIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await signedIn.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
            return signedIn;
        }
        // A person with no tokens yet for the personal ones (root has the tests' own); root for the rest.
        var page = await SignInAsync("tokpages-person", "person-password");
        var day = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");

        async Task RevokeAsync(string name)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("token-notice")).ToHaveTextAsync($"Revoked {name}.");
        }

        async Task ExpectCountsAsync(int total, int active)
        {
            await Assertions.Expect(page.GetByTestId("token-row")).ToHaveCountAsync(total);
            await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = "Active" })).ToHaveCountAsync(active);
            await Assertions.Expect(page.GetByTestId("token-count")).ToHaveTextAsync(total.ToString());
            await Assertions.Expect(page.GetByTestId("active-token-count")).ToHaveTextAsync($"{active} active");
        }

        // Personal: two, one revoked.
        await page.GotoAsync("/-/user_settings/personal_access_tokens");
        foreach (var name in new[] { "laptop", "old laptop" })
        {
            await page.GetByLabel("Token name").FillAsync(name);
            await page.GetByLabel("Expiration date").FillAsync(day);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create personal access token" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        }
        await RevokeAsync("old laptop");
        await ExpectCountsAsync(total: 2, active: 1);
        var personalExpiry = await page.GetByTestId("token-row").Filter(new() { HasText = "laptop" }).First.GetByTestId("token-expires").InnerTextAsync();

        await page.Context.CloseAsync();

        // Project access token: the same day in the same words.
        page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/tokpages/app/-/settings/access_tokens");
        await page.GetByLabel("Token name").FillAsync("release");
        await page.GetByLabel("Expiration date").FillAsync(day);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "read_api" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project access token" }).ClickAsync();
        await ExpectCountsAsync(total: 1, active: 1);
        Assert.Equal(personalExpiry, await page.GetByTestId("token-row").GetByTestId("token-expires").InnerTextAsync());

        // Deploy tokens: two, one revoked; the same day again.
        await page.GotoAsync("/tokpages/app/-/settings/repository");
        foreach (var name in new[] { "mirror", "old mirror" })
        {
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await page.GetByLabel("Expiration date").FillAsync(day);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create deploy token" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        }
        await RevokeAsync("old mirror");
        await ExpectCountsAsync(total: 2, active: 1);
        Assert.Equal(personalExpiry, await page.GetByTestId("token-row").Filter(new() { HasText = "Active" }).GetByTestId("token-expires").InnerTextAsync());

        // The admin area: the project token's user is a bot, with no "Make admin"; a person has it.
        await page.GotoAsync("/admin");
        var rows = page.GetByTestId("user-row");
        var bot = rows.Filter(new() { Has = page.GetByTestId("bot-badge") });
        await Assertions.Expect(bot).ToHaveCountAsync(1);
        await Assertions.Expect(bot.GetByRole(AriaRole.Button, new() { Name = "Make admin" })).ToHaveCountAsync(0);
        await Assertions.Expect(rows.Filter(new() { HasText = "@tokpages-person" }).GetByRole(AriaRole.Button, new() { Name = "Make admin" })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }
}
