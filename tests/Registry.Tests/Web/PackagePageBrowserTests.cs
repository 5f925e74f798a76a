using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The package page's words say what is so: of two files of one name the one a download serves is marked, with times to
/// the second; a hidden package on a public project names the project's visibility; the delete dialog counts "1 file";
/// the protection-rule form preselects what it calls the default; and the sign-in page gives the focus back after a
/// refusal and sends someone already signed in home.
/// </summary>
public sealed class PackagePageBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task The_package_page_says_which_file_a_download_serves_and_counts_and_labels_truly()
    {
        await Server.CreateGroupAsync("wording", "PUBLIC");
        await Server.CreateProjectAsync("wording", "app", "PUBLIC");
        await Server.PublishAsync("wording/app", "tool", "1.0.0", "dup.txt", "the first upload");
        var toolId = (await Server.PublishAsync("wording/app", "tool", "1.0.0", "dup.txt", "the second upload")).GetProperty("package_id").GetInt64();
        var singleId = (await Server.PublishAsync("wording/app", "single", "1.0.0", "only.txt", "only")).GetProperty("package_id").GetInt64();
        var hiddenId = (await Server.PublishAsync("wording/app", "secret", "1.0.0", "s.txt", "s", status: "hidden")).GetProperty("package_id").GetInt64();
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);

        // A refused sign-in gives the focus back to the form; a second try from the keyboard signs in.
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid username or password.");
        await Assertions.Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(RegistryServer.RootPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        // Signed in, the sign-in page goes home.
        await page.GotoAsync("/users/sign_in");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^https?://[^/]+/$"));

        // Two files of one name: the one a download by name serves is marked latest; times read to the second.
        var (_, served) = await Server.DownloadAsync("wording/app", "tool", "1.0.0", "dup.txt");
        Assert.Equal("the second upload", System.Text.Encoding.UTF8.GetString(served));
        await page.GotoAsync($"/wording/app/-/packages/{toolId}");
        var rows = page.GetByTestId("file-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var latest = rows.Filter(new() { Has = page.GetByTestId("latest-file") });
        await Assertions.Expect(latest).ToHaveCountAsync(1);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(served)), await latest.Locator(".sha").GetAttributeAsync("title"));
        foreach (var created in await rows.Locator("td[data-label=Created]").AllInnerTextsAsync())
            Assert.Matches(@"\d:\d\d:\d\d", created);

        // One file is "1 file", in the header and in the delete dialog.
        await page.GotoAsync($"/wording/app/-/packages/{singleId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete package" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("single 1.0.0 and its 1 file will be deleted permanently.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Hidden, on a public project: "Hidden" and "Public project", never a bare "Public".
        await page.GotoAsync($"/wording/app/-/packages/{hiddenId}");
        await Assertions.Expect(page.GetByTestId("package-status")).ToHaveTextAsync("Hidden");
        await Assertions.Expect(page.GetByTestId("project-visibility")).ToHaveTextAsync("Public project");
        await Assertions.Expect(page.GetByText("Public", new() { Exact = true })).ToHaveCountAsync(0);

        // The new protection rule form preselects the options it marks "(default)".
        await page.GotoAsync("/wording/app/-/settings/packages_and_registries");
        foreach (var select in new[] { "#protection-push", "#protection-delete" })
        {
            await page.Locator(select).WaitForAsync();
            var chosen = await page.Locator(select).EvaluateAsync<string>("s => s.selectedOptions[0].textContent");
            Assert.EndsWith("(default)", chosen.Trim());
            Assert.Equal(1, await page.Locator(select).Locator("option").Filter(new() { HasText = "(default)" }).CountAsync());
        }
        await context.CloseAsync();
    }
}
