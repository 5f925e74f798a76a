using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// Version-aware package views (issue 27, item 12) in Debian's chromium: the project's list grouped by name with versions
/// that expand (the toggle lives in the address, so a reload keeps it); a package page comparing two versions by their
/// files; and several packages deleted at once after a preview that counts exactly what goes, offered only to those
/// who may delete.
/// </summary>
public sealed class VersionViewsBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<IPage> SignInAsync(string username, string password)
    {
        var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.SetDefaultNavigationTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        page.Console += (_, m) => { if (m.Type == "error") output.WriteLine("console error: " + m.Text); };
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(HeadlessChromium.ScreenshotFolder, name + ".png");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    [Fact]
    public async Task The_package_list_groups_versions_by_name_and_a_reload_keeps_the_grouping()
    {
        await Server.CreateGroupAsync("grouping");
        await Server.CreateProjectAsync("grouping", "app");
        foreach (var version in new[] { "1.0.0", "1.1.0", "2.0.0" }) await Server.PublishAsync("grouping/app", "tool", version, "tool.bin", version);
        await Server.PublishAsync("grouping/app", "other", "0.1.0", "other.bin", "other");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/grouping/app/-/packages");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(4);

        await page.GetByLabel("Group by package", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?group=name$"));
        var groups = page.GetByTestId("package-group");
        await Assertions.Expect(groups).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(0);
        var tool = groups.Filter(new() { HasText = "tool" });
        await Assertions.Expect(tool.GetByTestId("version-count")).ToHaveTextAsync("3 versions");
        await tool.GetByRole(AriaRole.Button, new() { Name = "tool: 3 versions" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveTextAsync([new Regex("^2.0.0"), new Regex("^1.1.0"), new Regex("^1.0.0")]);
        await ScreenshotAsync(page, "package-list-grouped");

        // A reload (a bookmark, a shared link) keeps the grouping; Back returns to the plain list.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Group by package", new() { Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("package-group")).ToHaveCountAsync(2);
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/grouping/app/-/packages$"));
        await Assertions.Expect(page.GetByLabel("Group by package", new() { Exact = true })).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(4);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_package_page_compares_two_versions_file_by_file_with_who_published_each()
    {
        await Server.CreateGroupAsync("comparing");
        await Server.CreateProjectAsync("comparing", "app");
        var maintainer = await Server.CreateUserWithTokenAsync("cmp-maintainer");
        var developer = await Server.CreateUserWithTokenAsync("cmp-developer");
        await Server.AddGroupMemberAsync("comparing", "cmp-maintainer", "MAINTAINER");
        await Server.AddGroupMemberAsync("comparing", "cmp-developer", "DEVELOPER");
        await Server.PublishAsync("comparing/app", "tool", "1.0.0", "same.txt", "same", token: maintainer);
        await Server.PublishAsync("comparing/app", "tool", "1.0.0", "changed.txt", "old", token: maintainer);
        await Server.PublishAsync("comparing/app", "tool", "1.0.0", "gone.txt", "gone", token: maintainer);
        await Server.PublishAsync("comparing/app", "tool", "2.0.0", "same.txt", "same", token: developer);
        await Server.PublishAsync("comparing/app", "tool", "2.0.0", "changed.txt", "new", token: developer);
        var v2 = await Server.PublishAsync("comparing/app", "tool", "2.0.0", "new.txt", "new file", token: developer);

        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync($"/comparing/app/-/packages/{v2.GetProperty("package_id").GetInt64()}");
        await page.GetByLabel("Compare 2.0.0 with").SelectOptionAsync(new SelectOptionValue { Label = "1.0.0" });
        await Assertions.Expect(page.GetByTestId("compare-summary")).ToHaveTextAsync(new Regex(@"From 1\.0\.0 to 2\.0\.0:\s*1 added, 1 removed, 1 changed, 1 unchanged\."));
        var rows = page.GetByTestId("compare-row");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.And(page.Locator("[data-change=ADDED]"))).ToContainTextAsync("new.txt");
        await Assertions.Expect(rows.And(page.Locator("[data-change=REMOVED]"))).ToContainTextAsync("gone.txt");
        var changed = rows.And(page.Locator("[data-change=CHANGED]"));
        await Assertions.Expect(changed).ToContainTextAsync("by cmp-maintainer");
        await Assertions.Expect(changed).ToContainTextAsync("by cmp-developer");
        await Assertions.Expect(page.GetByTestId("compare-publishers")).ToHaveTextAsync(new Regex(@"1\.0\.0 published by cmp-maintainer;\s*2\.0\.0 published by cmp-developer\."));
        await ScreenshotAsync(page, "package-compare");

        // The comparison is a link: a reload shows it again.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?compare=\d+$"));
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("compare-row")).ToHaveCountAsync(4);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Several_packages_go_at_once_after_a_preview_that_counts_what_goes_and_a_developer_is_not_offered_it()
    {
        await Server.CreateGroupAsync("bulk");
        await Server.CreateProjectAsync("bulk", "app");
        await Server.CreateUserAsync("bulk-maintainer", password: "maintainer-password");
        await Server.CreateUserAsync("bulk-developer", password: "developer-password");
        await Server.AddGroupMemberAsync("bulk", "bulk-maintainer", "MAINTAINER");
        await Server.AddGroupMemberAsync("bulk", "bulk-developer", "DEVELOPER");
        await Server.PublishAsync("bulk/app", "app", "1.0.0", "a.bin", new byte[1000]);
        await Server.PublishAsync("bulk/app", "app", "1.0.0", "b.bin", new byte[24]);
        await Server.PublishAsync("bulk/app", "app", "2.0.0", "a.bin", new byte[1024]);
        await Server.PublishAsync("bulk/app", "locked-app", "1.0.0", "a.bin", new byte[5]);
        await Server.PublishAsync("bulk/app", "keep", "1.0.0", "a.bin", new byte[5]);
        Assert.Empty((await Server.MutateAsync("createPackagesProtectionRule",
            new { projectPath = "bulk/app", packageNamePattern = "locked-*", packageType = "GENERIC", minimumAccessLevelForDelete = "OWNER" })).Errors());

        // A Developer may not delete here: no boxes to tick, no button.
        var developer = await SignInAsync("bulk-developer", "developer-password");
        await developer.GotoAsync("/bulk/app/-/packages");
        await Assertions.Expect(developer.GetByTestId("package-row")).ToHaveCountAsync(4);
        await Assertions.Expect(developer.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^Select ") })).ToHaveCountAsync(0);
        await Assertions.Expect(developer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Delete selected") })).ToHaveCountAsync(0);
        await developer.Context.CloseAsync();

        var page = await SignInAsync("bulk-maintainer", "maintainer-password");
        await page.GotoAsync("/bulk/app/-/packages");
        foreach (var name in new[] { "Select app 1.0.0", "Select app 2.0.0", "Select locked-app 1.0.0" })
            await page.GetByRole(AriaRole.Checkbox, new() { Name = name }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected (3)" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("2 packages with 3 files (2.00 KiB) will be deleted permanently.");
        await Assertions.Expect(dialog.GetByTestId("delete-preview").Locator("li")).ToHaveTextAsync([new Regex(@"^app\s+1\.0\.0$"), new Regex(@"^app\s+2\.0\.0$")]);
        await Assertions.Expect(dialog.GetByTestId("delete-kept").Locator("li")).ToHaveTextAsync([new Regex(@"^locked-app\s+1\.0\.0$")]);
        await ScreenshotAsync(page, "package-bulk-delete");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete 2 packages" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Deleted 2 packages with 3 files.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(2);

        // What went is exactly what the preview said: the two app versions; the protected one and the unselected one stay.
        var left = await Server.GraphQLAsync("{ project(fullPath: \"bulk/app\") { packages(first: 20) { nodes { name version packageFiles { count } } } } }");
        var nodes = left.GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .Select(n => $"{n.GetProperty("name").GetString()} {n.GetProperty("version").GetString()}").Order().ToArray();
        Assert.Equal(["keep 1.0.0", "locked-app 1.0.0"], nodes);
        await page.Context.CloseAsync();
    }
}
