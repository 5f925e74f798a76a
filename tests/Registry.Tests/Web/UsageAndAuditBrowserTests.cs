using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// Usage and history where people look for them: an Owner finds "Usage quotas" and "Audit events" in the sidebar of a
/// project and of a group; the usage page counts identical files once and says what that saved; the audit page filters by
/// action and author, and keeps the filter in the address across a reload. A Developer sees neither entry.
/// </summary>
public sealed class UsageAndAuditBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<IPage> SignInAsync(string username, string password)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    [Fact]
    public async Task An_owner_reads_usage_with_dedup_and_filters_audit_events_that_stay_filtered_after_a_reload()
    {
        await Server.CreateGroupAsync("usebr");
        await Server.CreateProjectAsync("usebr", "app");
        await Server.CreateUserAsync("usebr-owner", password: "owner-password");
        await Server.CreateUserAsync("usebr-dev", password: "developer-password");
        var developer = await Server.CreatePersonalAccessTokenAsync("usebr-dev", ["API"]);
        await Server.AddGroupMemberAsync("usebr", "usebr-owner", "OWNER");
        await Server.AddGroupMemberAsync("usebr", "usebr-dev", "DEVELOPER");
        var kib = new string('x', 1024);
        await Server.PublishAsync("usebr/app", "big", "1.0", "a.bin", kib);
        await Server.PublishAsync("usebr/app", "big", "2.0", "a.bin", kib, token: developer);
        await Server.PublishAsync("usebr/app", "small", "1.0", "b.bin", "0123456789");

        var page = await SignInAsync("usebr-owner", "owner-password");
        await page.GotoAsync("/usebr/app/-/packages");
        var sidebar = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Usage quotas" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/usebr/app/-/usage_quotas$"));
        // 2,058 bytes of files, 1,034 stored: the second copy of the KiB is the saving.
        await Assertions.Expect(page.GetByTestId("usage-stored")).ToHaveAttributeAsync("title", "1034 bytes");
        await Assertions.Expect(page.GetByTestId("usage-files")).ToHaveAttributeAsync("title", "2058 bytes");
        await Assertions.Expect(page.GetByTestId("usage-saved")).ToHaveTextAsync("1.00 KiB");
        await Assertions.Expect(page.GetByTestId("largest-package")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("largest-package").Last).ToContainTextAsync("small 1.0");
        await ScreenshotAsync(page, "usage-quotas");

        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit events" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/usebr/app/-/audit_events$"));
        await Assertions.Expect(page.GetByTestId("audit-row")).ToHaveCountAsync(3);
        await page.GetByLabel("Action").SelectOptionAsync("package_file_published");
        await page.GetByLabel("Author").FillAsync("usebr-dev");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?action=package_file_published&author=usebr-dev$"));
        await Assertions.Expect(page.GetByTestId("audit-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("audit-row")).ToContainTextAsync("big/2.0/a.bin");
        await ScreenshotAsync(page, "audit-events");

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Action")).ToHaveValueAsync("package_file_published");
        await Assertions.Expect(page.GetByLabel("Author")).ToHaveValueAsync("usebr-dev");
        await Assertions.Expect(page.GetByTestId("audit-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("audit-row")).ToContainTextAsync("big/2.0/a.bin");

        // The group's pages: the same figures (its one project), its events.
        await page.GotoAsync("/groups/usebr/-/packages");
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Usage quotas" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("usage-stored")).ToHaveAttributeAsync("title", "1034 bytes");
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit events" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/groups/usebr/-/audit_events$"));
        await Assertions.Expect(page.GetByTestId("audit-row")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();

        // A Developer has neither entry.
        page = await SignInAsync("usebr-dev", "developer-password");
        await page.GotoAsync("/usebr/app/-/packages");
        sidebar = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Usage quotas" })).ToHaveCountAsync(0);
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit events" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    /// <summary>The README's screenshots of these pages come from here (TestResults/ui-screenshots/).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(HeadlessChromium.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(HeadlessChromium.ScreenshotFolder, name + ".png"), FullPage = true });
    }
}
