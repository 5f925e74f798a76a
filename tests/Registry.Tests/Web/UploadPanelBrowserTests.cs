using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The Upload files panel helps before the server refuses: names are checked as they are typed or chosen, with the
/// server's own rules (which the server and the page are seen to agree on), a refused file name has a one-click fix, the
/// result counts and links, leaving during an upload asks first, and each file's "copy as curl" runs in a CI job's shell.
/// </summary>
public sealed class UploadPanelBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<IPage> SignInAsRootAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        page.Console += (_, m) => { if (m.Type == "error") output.WriteLine("console error: " + m.Text); };
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync(RegistryServer.RootPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    private static FilePayload Text(string name, string content) => new() { Name = name, MimeType = "text/plain", Buffer = System.Text.Encoding.UTF8.GetBytes(content) };

    [Fact]
    public async Task Names_are_checked_as_chosen_the_result_links_leaving_asks_and_copy_as_curl_runs_in_CI()
    {
        await Server.CreateGroupAsync("helps");
        await Server.CreateProjectAsync("helps", "app");
        var page = await SignInAsRootAsync();
        await page.GotoAsync("/helps/app/-/packages");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();
        var upload = page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true });
        var nameError = page.Locator("#upload-name-error");

        // An empty name says "required"; a refused one says the rule; both clear once fixed.
        await upload.ClickAsync();
        await Assertions.Expect(nameError).ToHaveTextAsync("Package name is required.");
        await page.GetByLabel("Package name").FillAsync("my tools");
        await Assertions.Expect(nameError).ToContainTextAsync("can contain only letters");
        await page.GetByLabel("Package name").FillAsync("tools");
        await Assertions.Expect(nameError).ToBeEmptyAsync();
        await page.GetByLabel("Version").FillAsync("1.0.0");

        // A refused file name is shown the moment it is chosen, with the rule and a fix that renames it.
        await page.Locator("#upload-files").SetInputFilesAsync(new[]
        {
            Text("release notes.txt", "notes"), Text("a.txt", "a"), Text("b.txt", "b"), Text("c.txt", "c"),
        });
        var notes = page.GetByTestId("upload-item").Filter(new() { HasText = "release notes.txt" });
        await Assertions.Expect(notes.GetByTestId("file-name-error")).ToContainTextAsync("A file name can contain only");
        await notes.GetByRole(AriaRole.Button, new() { Name = "Rename to release_notes.txt" }).ClickAsync();
        var renamed = page.GetByTestId("upload-item").Filter(new() { HasText = "release_notes.txt" });
        await Assertions.Expect(renamed.GetByTestId("file-name-error")).ToHaveCountAsync(0);

        // The first PUT is held while the page is left: the router and the browser both ask; staying keeps the upload.
        // c.txt's connection drops, so 3 of 4 arrive.
        var held = new TaskCompletionSource();
        await page.RouteAsync("**/packages/generic/tools/1.0.0/**", async route =>
        {
            if (route.Request.Url.EndsWith("/release_notes.txt")) await held.Task;
            if (route.Request.Url.EndsWith("/c.txt")) await route.AbortAsync("connectionreset");
            else await route.ContinueAsync();
        });
        await upload.ClickAsync();
        await Assertions.Expect(renamed).ToContainTextAsync("Uploading");
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) => { lock (dialogs) dialogs.Add(dialog.Type); await dialog.DismissAsync(); };
        await page.GetByRole(AriaRole.Link, new() { Name = "Explore" }).First.ClickAsync();
        await Eventually.HoldsAsync(() => { lock (dialogs) return dialogs.Contains("confirm"); }, "the router's leave guard asks");
        Assert.EndsWith("/helps/app/-/packages", page.Url);
        await page.EvaluateAsync("() => { location.href = '/explore' }");
        await Eventually.HoldsAsync(() => { lock (dialogs) return dialogs.Contains("beforeunload"); }, "the browser asks before unloading");
        Assert.EndsWith("/helps/app/-/packages", page.Url);
        held.SetResult();

        var result = page.GetByTestId("upload-result");
        await Assertions.Expect(result).ToContainTextAsync("3 of 4 uploaded");
        var link = result.GetByRole(AriaRole.Link, new() { Name = "Open tools 1.0.0" });
        await Assertions.Expect(link).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/helps/app/-/packages/[0-9]+$"));

        // c.txt's "copy as curl", run as a CI job would: the job's token, the file in the working directory.
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy as curl for CI: c.txt" }).ClickAsync();
        var curl = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Contains("JOB-TOKEN: $CI_JOB_TOKEN", curl);
        var folder = Directory.CreateTempSubdirectory("upload-curl-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "c.txt"), "c from CI");
        var jobToken = await Server.CreateCiJobTokenAsync("helps/app", RegistryServer.RootToken);
        var (exit, shellOutput) = await Shell.RunAsync(curl, folder, new Dictionary<string, string> { ["CI_JOB_TOKEN"] = jobToken });
        Assert.True(exit == 0, $"{curl}\n exited {exit}: {shellOutput}");
        Directory.Delete(folder, recursive: true);

        await link.ClickAsync();
        await Assertions.Expect(page.GetByTestId("package-title")).ToContainTextAsync("tools");
        await Assertions.Expect(page.GetByTestId("file-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("file-row").Filter(new() { HasText = "release_notes.txt" })).ToHaveCountAsync(1);
        var (_, body) = await Server.DownloadAsync("helps/app", "tools", "1.0.0", "c.txt");
        Assert.Equal("c from CI", System.Text.Encoding.UTF8.GetString(body));
        await page.Context.CloseAsync();
    }

    /// <summary>The page refuses what the server refuses and accepts what it accepts: the page's check is the server's rule.</summary>
    [Fact]
    public async Task The_page_and_the_server_agree_on_which_names_are_refused()
    {
        await Server.CreateGroupAsync("agree");
        await Server.CreateProjectAsync("agree", "app");
        var page = await SignInAsRootAsync();
        await page.GotoAsync("/agree/app/-/packages");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();

        async Task<bool> ServerAcceptsAsync(string name, string version, string file)
        {
            using var response = await Server.UploadAsync("agree/app", Uri.EscapeDataString(name), Uri.EscapeDataString(version),
                Uri.EscapeDataString(file), "x"u8.ToArray());
            Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode == 400, $"{name} {version} {file}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode;
        }

        // The page's verdict is awaited (the rules arrive by GraphQL and the page re-renders), the server's is asked first.
        // Before a value the server accepts, the field shows a refusal, so an empty error is the page's answer to that value.
        async Task AgreeAsync(string field, string errorId, string value, bool serverAccepts)
        {
            var error = page.Locator(errorId);
            if (serverAccepts)
            {
                await page.GetByLabel(field).FillAsync("a b");
                await Assertions.Expect(error).Not.ToBeEmptyAsync();
            }
            await page.GetByLabel(field).FillAsync(value);
            if (serverAccepts) await Assertions.Expect(error).ToBeEmptyAsync();
            else await Assertions.Expect(error).Not.ToBeEmptyAsync();
        }

        // ("." and ".." are left out: a URL cannot carry them as a segment; the unit tests have them.)
        string[] names = ["pkg", "a b", "...", ".hidden", "naïve", "x+y_z-1.2", "a~b", new string('n', 256)];
        foreach (var name in names)
            await AgreeAsync("Package name", "#upload-name-error", name, await ServerAcceptsAsync(name, "1.0.0", "f.txt"));
        await page.GetByLabel("Package name").FillAsync("pkg");

        string[] versions = ["1.0.0", "1..0", ".1", "1.", "1.0 0", "v1_2-3"];
        foreach (var version in versions)
            await AgreeAsync("Version", "#upload-version-error", version, await ServerAcceptsAsync("pkg", version, "f.txt"));

        string[] files = ["ok+1.txt", "~lead.txt", "trail@", "mid~d@le.txt", "a b.txt", "naïve.txt", "..."];
        await page.Locator("#upload-files").SetInputFilesAsync(files.Select(f => Text(f, "x")).ToArray());
        foreach (var file in files)
        {
            var item = page.GetByTestId("upload-item").Filter(new() { Has = page.GetByTestId("upload-name").GetByText(file, new() { Exact = true }) });
            await Assertions.Expect(item).ToHaveCountAsync(1);
            await Assertions.Expect(item.GetByTestId("file-name-error")).ToHaveCountAsync(await ServerAcceptsAsync("pkg", "1.0.0", file) ? 0 : 1);
        }
        await page.Context.CloseAsync();
    }
}
