using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The web UI in a real browser against the real server, asserting on what a person sees: labels, buttons, texts.
/// Each main page leaves a screenshot in TestResults/ui-screenshots/&lt;configuration&gt;/.
/// </summary>
public sealed class WebUiBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Url(string path) => new Uri(Server.BaseAddress, path).ToString();

    private async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true, BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.SetDefaultNavigationTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => Log("page error: " + e);
        page.Console += (_, m) => { if (m.Type == "error") Log("console error: " + m.Text); };
        return page;
    }

    /// <summary>
    /// Writes to the test's output. A page left open may log after its test ended; the output then throws, and an
    /// exception in a Playwright event handler closes the browser that the class's later tests share.
    /// </summary>
    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(HeadlessChromium.ScreenshotFolder, name + ".png");
        // From the top: a page scrolled by a click would show its sticky top bar in the middle of a full-page shot.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    /// <summary>Signs in through the sign-in page, with the keyboard only.</summary>
    private async Task<IPage> SignInAsync(string username, string password, int width = 1280)
    {
        var page = await NewPageAsync(width);
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FocusAsync();
        await page.Keyboard.TypeAsync(username);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(password);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    private async Task SeedProjectAsync(string group, string project, string visibility = "PRIVATE")
    {
        await Server.CreateGroupAsync(group, visibility);
        await Server.CreateProjectAsync(group, project, visibility);
    }

    [Fact]
    public async Task Sign_in_with_a_password_from_the_keyboard_and_a_wrong_password_is_refused_in_words()
    {
        var clock = Stopwatch.StartNew();
        var page = await NewPageAsync();
        await page.GotoAsync("/users/sign_in");
        await ScreenshotAsync(page, "01-sign-in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid username or password.");
        Assert.EndsWith("/users/sign_in", page.Url);

        var signedIn = await SignInAsync("root", RegistryServer.RootPassword);
        await Assertions.Expect(signedIn.GetByTestId("signed-in-user")).ToHaveTextAsync("root");
        await Assertions.Expect(signedIn.GetByRole(AriaRole.Heading, new() { Name = "Explore" })).ToBeVisibleAsync();
        await ScreenshotAsync(signedIn, "02-explore");

        // The app moves with history.pushState: expect the URL (polled) rather than wait for a navigation's load event,
        // which timed out now and then when the client-side move raced the wait.
        await signedIn.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(signedIn).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users/sign_in$"));
        await signedIn.GotoAsync("/-/user_settings/personal_access_tokens");
        await Assertions.Expect(signedIn).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users/sign_in"));
        output.WriteLine($"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task The_first_page_loads_less_than_250_KB_of_JavaScript_and_CSS_gzipped()
    {
        var page = await NewPageAsync();
        var bodies = new List<Task<(string Url, byte[] Body)>>();
        page.Response += (_, r) =>
        {
            if (r.Url.EndsWith(".js", StringComparison.Ordinal) || r.Url.EndsWith(".css", StringComparison.Ordinal))
                bodies.Add(Task.Run(async () => (r.Url, await r.BodyAsync())));
        };
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Explore" })).ToBeVisibleAsync();
        long gzipped = 0;
        foreach (var (url, body) in await Task.WhenAll(bodies))
        {
            using var sink = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(sink, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
                gzip.Write(body);
            output.WriteLine($"{sink.Length,8} B gzipped  {body.Length,8} B  {url}");
            gzipped += sink.Length;
        }
        output.WriteLine($"first page: {bodies.Count} files, {gzipped / 1024.0:F1} KiB of JavaScript and CSS gzipped");
        Assert.True(bodies.Count >= 2, "the page loaded no script or style at all");
        Assert.True(gzipped < 250 * 1024, $"the first page loads {gzipped / 1024.0:F1} KiB of JavaScript and CSS gzipped");
    }

    /// <summary>
    /// Every route of the app's router opens from a reload (a bookmark, a new tab) on its own page; GitLab's habits
    /// /&lt;group&gt; and /&lt;group&gt;/&lt;project&gt; open their packages; an address that is nobody's is a 404 in
    /// the app's style, with its menu.
    /// </summary>
    [Fact]
    public async Task Every_route_opens_on_reload_and_an_unknown_address_is_the_apps_404_page()
    {
        await SeedProjectAsync("acme", "tools");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        var notFoundTitle = new System.Text.RegularExpressions.Regex("^(Package Registry|Not found · .*)$");
        foreach (var route in WebUiServingTests.AppRoutes())
        {
            var example = route.GetProperty("example").GetString()!;
            var response = await page.GotoAsync(example);
            Assert.True(response!.Status == 200, $"{example}: {response.Status}");
            // The router has placed the page (its title is set) and it is not the app's "Page not found".
            await Assertions.Expect(page).Not.ToHaveTitleAsync(notFoundTitle);
            if (route.GetProperty("title").GetString() is { } title && route.GetProperty("name").GetString() != "sign-in")
                await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(title) + "( · |$)"));
            Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" }).CountAsync());
            output.WriteLine($"{example} -> {page.Url} ({await page.TitleAsync()})");
        }

        await page.GotoAsync("/acme/tools");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/acme/tools/-/packages$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Package registry" })).ToBeVisibleAsync();
        await page.GotoAsync("/acme");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/groups/acme/-/packages$"));

        var unknown = await page.GotoAsync("/acme/tools/-/wiki");
        Assert.Equal(404, unknown!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Go to Explore" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "20-not-found");

        var missing = await page.GotoAsync("/acme/nothing-here");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Project or group not found" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// A list's search, sort, status and page are in the address, as on GitLab: a reload keeps the view, Back returns to
    /// the previous page or filter, and a filtered view opens from a link.
    /// </summary>
    [Fact]
    public async Task The_lists_search_sort_status_and_page_live_in_the_address()
    {
        await SeedProjectAsync("addressed", "app");
        for (var i = 1; i <= 23; i++) await Server.PublishAsync("addressed/app", $"lib-{i:D2}", "1.0.0");
        await Server.PublishAsync("addressed/app", "firmware", "1.0.0");
        await Server.PublishAsync("addressed/app", "firmware-debug", "1.0.0", status: "hidden");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        var rows = page.GetByTestId("package-row");
        var pages = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        static System.Text.RegularExpressions.Regex Address(string pattern) => new(pattern);

        // Page 2 (newest first: lib-01 .. lib-04 are the oldest four), kept by a reload, left by Back.
        await page.GotoAsync("/addressed/app/-/packages");
        await Assertions.Expect(rows).ToHaveCountAsync(20);
        await pages.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"/addressed/app/-/packages\?page=2&after=[^&]+$"));
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await page.ReloadAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.First).ToContainTextAsync("lib-04");
        await Assertions.Expect(pages).ToContainTextAsync("Page 2");
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"/addressed/app/-/packages$"));
        await Assertions.Expect(rows).ToHaveCountAsync(20);
        await Assertions.Expect(rows.First).ToContainTextAsync("firmware");

        // Search and sort, kept by a reload; Back undoes the sort, not the search.
        await page.GetByLabel("Search packages by name").FillAsync("lib-1");
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"\?search=lib-1$"));
        await Assertions.Expect(rows).ToHaveCountAsync(10);
        await page.GetByLabel("Sort by").SelectOptionAsync("NAME_ASC");
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"\?search=lib-1&sort=NAME_ASC$"));
        await Assertions.Expect(rows.First).ToContainTextAsync("lib-10");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Search packages by name")).ToHaveValueAsync("lib-1");
        await Assertions.Expect(page.GetByLabel("Sort by")).ToHaveValueAsync("NAME_ASC");
        await Assertions.Expect(rows.First).ToContainTextAsync("lib-10");
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"\?search=lib-1$"));
        await Assertions.Expect(page.GetByLabel("Sort by")).ToHaveValueAsync("CREATED_DESC");
        await Assertions.Expect(rows.First).ToContainTextAsync("lib-19");

        // The status filter, and a shared link to a filtered view in another browser.
        await page.GetByLabel("Search packages by name").FillAsync("");
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"/addressed/app/-/packages$"));
        await page.GetByLabel("Status").SelectOptionAsync("HIDDEN");
        await Assertions.Expect(page).ToHaveURLAsync(Address(@"\?status=HIDDEN$"));
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("firmware-debug");
        var other = await SignInAsync("root", RegistryServer.RootPassword);
        await other.GotoAsync("/addressed/app/-/packages?search=lib-2&sort=NAME_DESC");
        await Assertions.Expect(other.GetByTestId("package-row")).ToHaveCountAsync(4);
        await Assertions.Expect(other.GetByTestId("package-row").First).ToContainTextAsync("lib-23");
        await Assertions.Expect(other.GetByLabel("Search packages by name")).ToHaveValueAsync("lib-2");
    }

    /// <summary>
    /// The package page's commands fit the reader and work when pasted: no header for an anonymous reader of a public
    /// project, a deploy token's or a CI job's header when chosen, the chosen file, a sha256sum line that verifies it.
    /// "Publish into this package" shows only to those who may publish that package.
    /// </summary>
    [Fact]
    public async Task The_package_commands_fit_the_reader_and_run_with_curl()
    {
        await SeedProjectAsync("commands", "app", "PUBLIC");
        await Server.PublishAsync("commands/app", "cli", "2.0.0", "cli.tar.gz", "an old build");
        await Server.PublishAsync("commands/app", "cli", "2.0.0", "cli.tar.gz", "the newest build");
        await Server.PublishAsync("commands/app", "cli", "2.0.0", "SHA256SUMS", "sums");
        var packageId = (await Server.PublishAsync("commands/app", "release-cli", "1.0.0", "release.bin", "release")).GetProperty("package_id").GetInt64();
        var cliId = (await Server.PublishAsync("commands/app", "cli", "2.0.0", "notes.txt", "notes")).GetProperty("package_id").GetInt64();
        await Server.MutateAsync("createPackagesProtectionRule", new { projectPath = "commands/app", packageNamePattern = "release-*", packageType = "GENERIC", minimumAccessLevelForPush = "MAINTAINER" });
        await Server.CreateUserAsync("commands-developer", password: "developer-password");
        await Server.AddProjectMemberAsync("commands/app", "commands-developer", "DEVELOPER");
        var folder = Directory.CreateTempSubdirectory("commands-").FullName;

        async Task<string> RunAsync(IPage page, string testId, IReadOnlyDictionary<string, string>? env = null, string? secret = null, string? placeholder = null)
        {
            var text = await page.GetByTestId(testId).InnerTextAsync();
            var script = placeholder is null ? text : text.Replace(placeholder, secret);
            var (exit, outputText) = await Shell.RunAsync(script, folder, env);
            Assert.True(exit == 0, $"{text}\n exited {exit}: {outputText}");
            return outputText;
        }

        // Anonymous, on a public project: no header at all; the newest cli.tar.gz, verified; no publish command.
        var anonymous = await NewPageAsync();
        await anonymous.GotoAsync($"/commands/app/-/packages/{cliId}");
        var download = anonymous.GetByTestId("download-command");
        await Assertions.Expect(download).Not.ToContainTextAsync("--header");
        await Assertions.Expect(anonymous.GetByLabel("Credential")).ToHaveValueAsync("none");
        await anonymous.GetByLabel("File", new() { Exact = true }).SelectOptionAsync("cli.tar.gz");
        await RunAsync(anonymous, "download-command");
        Assert.Equal("the newest build", await File.ReadAllTextAsync(Path.Combine(folder, "cli.tar.gz")));
        Assert.Contains("cli.tar.gz: OK", await RunAsync(anonymous, "verify-command"));
        Assert.Equal(0, await anonymous.GetByText("Publish into this package").CountAsync());
        Assert.Equal(0, await anonymous.GetByTestId("publish-command").CountAsync());

        // A deploy token and a CI job token, as chosen.
        var (deployToken, _) = await Server.CreateDeployTokenAsync("commands/app", "READ_PACKAGE_REGISTRY");
        await anonymous.GetByLabel("Credential").SelectOptionAsync("deploy");
        await anonymous.GetByLabel("File", new() { Exact = true }).SelectOptionAsync("notes.txt");
        await Assertions.Expect(download).ToContainTextAsync("DEPLOY-TOKEN: <your_deploy_token>");
        File.Delete(Path.Combine(folder, "notes.txt"));
        await RunAsync(anonymous, "download-command", secret: deployToken, placeholder: "<your_deploy_token>");
        Assert.Equal("notes", await File.ReadAllTextAsync(Path.Combine(folder, "notes.txt")));
        Assert.Contains("notes.txt: OK", await RunAsync(anonymous, "verify-command"));

        var jobToken = await Server.CreateCiJobTokenAsync("commands/app", RegistryServer.RootToken);
        await anonymous.GetByLabel("Credential").SelectOptionAsync("job");
        await Assertions.Expect(download).ToContainTextAsync("JOB-TOKEN: $CI_JOB_TOKEN");
        File.Delete(Path.Combine(folder, "notes.txt"));
        await RunAsync(anonymous, "download-command", new Dictionary<string, string> { ["CI_JOB_TOKEN"] = jobToken });
        Assert.Equal("notes", await File.ReadAllTextAsync(Path.Combine(folder, "notes.txt")));
        await ScreenshotAsync(anonymous, "21-package-commands");

        // A Developer publishes cli, but not release-cli, which a rule keeps for Maintainers.
        var developer = await SignInAsync("commands-developer", "developer-password");
        await developer.GotoAsync($"/commands/app/-/packages/{cliId}");
        await Assertions.Expect(developer.GetByTestId("publish-command")).ToContainTextAsync("--upload-file");
        await Assertions.Expect(developer.GetByLabel("Credential")).ToHaveValueAsync("token");
        await developer.GotoAsync($"/commands/app/-/packages/{packageId}");
        await Assertions.Expect(developer.GetByTestId("download-command")).ToContainTextAsync("release.bin");
        Assert.Equal(0, await developer.GetByTestId("publish-command").CountAsync());
        var root = await SignInAsync("root", RegistryServer.RootPassword);
        await root.GotoAsync($"/commands/app/-/packages/{packageId}");
        await Assertions.Expect(root.GetByTestId("publish-command")).ToContainTextAsync("release.bin");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// The sidebar offers people what they can use, as GitLab's does: a Developer gets no settings entries (which would
    /// open on "Only the project's Maintainers..."), a Maintainer gets them; a project that does not exist has neither
    /// a sidebar of its own nor an Upload button.
    /// </summary>
    [Fact]
    public async Task A_developer_sees_only_the_entries_they_can_use_and_a_missing_project_offers_nothing()
    {
        await SeedProjectAsync("entries", "app");
        await Server.CreateUserAsync("entries-developer", password: "developer-password");
        await Server.AddProjectMemberAsync("entries/app", "entries-developer", "DEVELOPER");
        await Server.CreateUserAsync("entries-maintainer", password: "maintainer-password");
        await Server.AddProjectMemberAsync("entries/app", "entries-maintainer", "MAINTAINER");
        string[] settings = ["Packages and registries", "Access tokens", "Deploy tokens"];

        var maintainer = await SignInAsync("entries-maintainer", "maintainer-password");
        await maintainer.GotoAsync("/entries/app/-/packages");
        var sidebar = maintainer.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var entry in settings) await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = entry })).ToBeVisibleAsync();

        var developer = await SignInAsync("entries-developer", "developer-password");
        await developer.GotoAsync("/entries/app/-/packages");
        var developerSidebar = developer.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(developerSidebar).ToContainTextAsync("Projectentries/app");
        await Assertions.Expect(developerSidebar.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();
        await Assertions.Expect(developer.GetByRole(AriaRole.Button, new() { Name = "Upload files" })).ToBeVisibleAsync();
        // The access answer has come (the Maintainer's arrived by now too); the settings entries stay away.
        await developer.WaitForLoadStateAsync(LoadState.NetworkIdle);
        foreach (var entry in settings) Assert.Equal(0, await developerSidebar.GetByRole(AriaRole.Link, new() { Name = entry }).CountAsync());
        await ScreenshotAsync(developer, "22-developer-sidebar");

        var root = await SignInAsync("root", RegistryServer.RootPassword);
        await root.GotoAsync("/entries/no-such-project/-/packages");
        await Assertions.Expect(root.GetByRole(AriaRole.Heading, new() { Name = "Project not found" })).ToBeVisibleAsync();
        var rootSidebar = root.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(rootSidebar).Not.ToContainTextAsync("no-such-project");
        await Assertions.Expect(rootSidebar.GetByRole(AriaRole.Link, new() { Name = "Password" })).ToBeVisibleAsync();
        Assert.Equal(0, await root.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).CountAsync());
        Assert.Equal(0, await rootSidebar.GetByRole(AriaRole.Link, new() { Name = "Deploy tokens" }).CountAsync());
    }

    [Fact]
    public async Task Browse_from_the_list_to_a_package_and_open_its_web_path()
    {
        var clock = Stopwatch.StartNew();
        await SeedProjectAsync("browse", "tools");
        for (var i = 1; i <= 3; i++)
        {
            var archive = new byte[150_000 + i * 20_000];
            new Random(i).NextBytes(archive);
            await Server.PublishAsync("browse/tools", "cli-tool", $"1.{i}.0", "cli-linux-amd64.tar.gz", archive);
            await Server.PublishAsync("browse/tools", "cli-tool", $"1.{i}.0", "SHA256SUMS", Encoding.UTF8.GetBytes($"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(archive))}  cli-linux-amd64.tar.gz\n"));
        }
        await Server.PublishAsync("browse/tools", "cli-tool", "1.3.0", "cli-linux-amd64.tar.gz", new byte[170_000]);
        await Server.PublishAsync("browse/tools", "firmware", "0.9.1", "fw.bin", new byte[2048]);
        var page = await SignInAsync("root", RegistryServer.RootPassword);

        await page.GotoAsync("/browse/tools/-/packages");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("package-count")).ToHaveTextAsync("4");
        await ScreenshotAsync(page, "03-project-packages");

        // Search by name, then sort by name both ways.
        await page.GetByLabel("Search packages by name").FillAsync("firm");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(1);
        await page.GetByLabel("Search packages by name").FillAsync("");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(4);
        await page.GetByLabel("Sort by").SelectOptionAsync("NAME_DESC");
        await Assertions.Expect(page.GetByTestId("package-row").First).ToContainTextAsync("firmware");
        await page.GetByLabel("Sort by").SelectOptionAsync("VERSION_DESC");
        await Assertions.Expect(page.GetByTestId("package-row").First).ToContainTextAsync("1.3.0");

        await page.GetByRole(AriaRole.Link, new() { Name = "firmware" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("package-title")).ToContainTextAsync("firmware");
        await Assertions.Expect(page.GetByTestId("file-row")).ToContainTextAsync("fw.bin");
        await Assertions.Expect(page.GetByTestId("download-command")).ToContainTextAsync(Url("/api/v4/projects/browse%2Ftools/packages/generic/firmware/0.9.1/fw.bin"));

        // The Packages API's web_path opens the same page directly.
        using var api = Server.Client(RegistryServer.RootToken);
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v4/projects/browse%2Ftools/packages?package_name=cli-tool&order_by=version&sort=desc");
        var webPath = list[0].GetProperty("_links").GetProperty("web_path").GetString()!;
        await page.GotoAsync(webPath);
        await Assertions.Expect(page.GetByTestId("package-title")).ToContainTextAsync("cli-tool 1.3.0");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Other versions" })).ToContainTextAsync("2");
        // The older file of a name uploaded twice is listed too, after the newer one.
        await Assertions.Expect(page.GetByTestId("file-row")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("file-row").First).ToContainTextAsync("cli-linux-amd64.tar.gz");
        await Assertions.Expect(page.GetByTestId("file-row").First).ToContainTextAsync("166.0 KiB");
        await Assertions.Expect(page.GetByTestId("file-row").Last).ToContainTextAsync("205.1 KiB");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "1.1.0" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "04-package-details");

        // The group's list shows the same packages with their project.
        await page.GotoAsync("/groups/browse/-/packages");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("package-row").First).ToContainTextAsync("browse/tools");
        await ScreenshotAsync(page, "05-group-packages");
        output.WriteLine($"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_member_sees_a_hidden_package_and_an_outsider_does_not()
    {
        await SeedProjectAsync("hiding", "app", "PUBLIC");
        await Server.PublishAsync("hiding/app", "visible", "1.0.0");
        await Server.PublishAsync("hiding/app", "secret-build", "0.1.0", status: "hidden");
        await Server.CreateUserAsync("hiding-member", password: "member-password");
        await Server.CreateUserAsync("hiding-outsider", password: "outsider-password");
        await Server.AddProjectMemberAsync("hiding/app", "hiding-member", "REPORTER");

        var member = await SignInAsync("hiding-member", "member-password");
        await member.GotoAsync("/hiding/app/-/packages");
        await Assertions.Expect(member.GetByTestId("package-row")).ToHaveCountAsync(1);
        await member.GetByLabel("Status").SelectOptionAsync("HIDDEN");
        await Assertions.Expect(member.GetByTestId("package-row")).ToHaveCountAsync(1);
        await Assertions.Expect(member.GetByTestId("package-row")).ToContainTextAsync("secret-build");
        await Assertions.Expect(member.GetByTestId("package-row")).ToContainTextAsync("Hidden");
        await member.GetByRole(AriaRole.Link, new() { Name = "secret-build" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("package-status")).ToHaveTextAsync("Hidden");
        // A Reporter may read but not delete or publish: no such buttons.
        Assert.Equal(0, await member.GetByRole(AriaRole.Button, new() { Name = "Delete package" }).CountAsync());
        Assert.Equal(0, await member.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).CountAsync());

        // Explore: the member finds the project among theirs; an anonymous visitor sees public projects only.
        await member.GotoAsync("/");
        await Assertions.Expect(member.GetByTestId("project-row").Filter(new() { HasText = "hiding/app" })).ToBeVisibleAsync();
        await Server.CreateGroupAsync("hiding-private");
        await Server.CreateProjectAsync("hiding-private", "secret-app");
        var anonymous = await NewPageAsync();
        await anonymous.GotoAsync("/");
        await anonymous.GetByLabel("Search projects and groups").FillAsync("hiding");
        await Assertions.Expect(anonymous.GetByTestId("project-row")).ToHaveCountAsync(1);
        await Assertions.Expect(anonymous.GetByTestId("project-row")).ToContainTextAsync("hiding/app");
        await Assertions.Expect(anonymous.GetByTestId("group-row")).ToHaveCountAsync(1);
        await Assertions.Expect(anonymous.GetByTestId("group-row")).ToContainTextAsync("hiding");
        Assert.Equal(0, await anonymous.GetByText("secret-app").CountAsync());
        await ScreenshotAsync(anonymous, "11-explore-anonymous");

        foreach (var outsider in new[] { await SignInAsync("hiding-outsider", "outsider-password"), await NewPageAsync() })
        {
            await outsider.GotoAsync("/hiding/app/-/packages");
            await Assertions.Expect(outsider.GetByTestId("package-row")).ToHaveCountAsync(1);
            await Assertions.Expect(outsider.GetByTestId("package-row")).ToContainTextAsync("visible");
            Assert.Equal(0, await outsider.GetByLabel("Status").CountAsync());
            Assert.Equal(0, await outsider.GetByText("secret-build").CountAsync());
        }
    }

    [Fact]
    public async Task Duplicate_settings_saved_from_the_UI_rule_REST_uploads_and_survive_a_reload()
    {
        var clock = Stopwatch.StartNew();
        await SeedProjectAsync("dupes", "app");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/groups/dupes/-/settings/packages_and_registries");
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Allow duplicates" });
        await Assertions.Expect(toggle).ToBeCheckedAsync();

        await toggle.UncheckAsync();
        await WaitForSettingsAsync("dupes", s => !s.GetProperty("genericDuplicatesAllowed").GetBoolean());

        // An invalid regex is shown inline and not saved.
        var exceptions = page.GetByLabel("Exceptions");
        await exceptions.FillAsync("release-(");
        await Assertions.Expect(page.Locator("#generic-exceptions-error")).Not.ToBeEmptyAsync();
        await Assertions.Expect(exceptions).ToHaveAttributeAsync("aria-invalid", "true");
        await exceptions.FillAsync(".*-SNAPSHOT");
        await WaitForSettingsAsync("dupes", s => s.GetProperty("genericDuplicateExceptionRegex").GetString() == ".*-SNAPSHOT");
        await Assertions.Expect(page.Locator("#generic-exceptions-error")).ToBeEmptyAsync();
        await Assertions.Expect(page.GetByTestId("save-state")).ToContainTextAsync("Your changes are automatically saved");
        await ScreenshotAsync(page, "06-group-settings");

        // The rules apply to REST uploads: a duplicate of 1.0.0 is refused, one of a SNAPSHOT (the exception) accepted.
        Assert.Equal(HttpStatusCode.Created, (await Server.UploadAsync("dupes/app", "lib", "1.0.0", "lib.jar", [1])).StatusCode);
        var refused = await Server.UploadAsync("dupes/app", "lib", "1.0.0", "lib.jar", [2]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Duplicate package is not allowed", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await Server.UploadAsync("dupes/app", "lib", "2.0.0-SNAPSHOT", "lib.jar", [1])).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Server.UploadAsync("dupes/app", "lib", "2.0.0-SNAPSHOT", "lib.jar", [2])).StatusCode);

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Allow duplicates" })).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Exceptions")).ToHaveValueAsync(".*-SNAPSHOT");

        // The browser's own upload meets the same rule and says so.
        await page.GotoAsync("/dupes/app/-/packages");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();
        await page.GetByLabel("Package name").FillAsync("lib");
        await page.GetByLabel("Version").FillAsync("1.0.0");
        await page.Locator("#upload-files").SetInputFilesAsync(new FilePayload { Name = "lib.jar", MimeType = "application/octet-stream", Buffer = [3] });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-item")).ToContainTextAsync("Duplicate package is not allowed");

        // A member who is not an Owner sees the settings read-only.
        await Server.CreateUserAsync("dupes-dev", password: "developer-password");
        await Server.AddGroupMemberAsync("dupes", "dupes-dev", "DEVELOPER");
        var developer = await SignInAsync("dupes-dev", "developer-password");
        await developer.GotoAsync("/groups/dupes/-/settings/packages_and_registries");
        await Assertions.Expect(developer.GetByRole(AriaRole.Switch, new() { Name = "Allow duplicates" })).ToBeDisabledAsync();
        await Assertions.Expect(developer.GetByText("Only the group's Owners and administrators can change these settings.")).ToBeVisibleAsync();
        output.WriteLine($"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    private Task WaitForSettingsAsync(string group, Func<JsonElement, bool> condition) =>
        Eventually.ReturnsAsync(async () => (await Server.GraphQLAsync(
                $"{{ group(fullPath: \"{group}\") {{ packageSettings {{ genericDuplicatesAllowed genericDuplicateExceptionRegex }} }} }}"))
                .GetProperty("group").GetProperty("packageSettings"),
            condition, $"the package settings of {group} saved from the UI");

    [Fact]
    public async Task Upload_a_file_from_the_browser_with_progress_and_download_it()
    {
        await SeedProjectAsync("uploads", "app");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/uploads/app/-/packages");
        await Assertions.Expect(page.GetByText("There are no packages yet")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();
        await page.GetByLabel("Package name").FillAsync("browser-upload");
        await page.GetByLabel("Version").FillAsync("1.0.0");
        var content = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(content);
        await page.Locator("#upload-files").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "big.bin", MimeType = "application/octet-stream", Buffer = content },
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello from the browser"u8.ToArray() },
        });
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload of big.bin" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-item").Filter(new() { HasText = "Uploaded" })).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload of big.bin" })).ToHaveAttributeAsync("aria-valuenow", "100");
        await ScreenshotAsync(page, "07-upload");
        await Assertions.Expect(page.GetByTestId("package-row")).ToContainTextAsync("browser-upload");

        await page.GetByRole(AriaRole.Link, new() { Name = "browser-upload", Exact = true }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download big.bin" }).ClickAsync());
        Assert.Equal("big.bin", download.SuggestedFilename);
        Assert.Equal(content, await File.ReadAllBytesAsync((await download.PathAsync())!));
        // What was stored is what the REST API returns to a token too.
        using var api = Server.Client(RegistryServer.RootToken);
        Assert.Equal("hello from the browser", await api.GetStringAsync(Publishing.Url("uploads/app", "browser-upload", "1.0.0", "notes.txt")));
    }

    [Fact]
    public async Task Create_a_personal_access_token_use_it_with_curl_and_revoke_it()
    {
        await SeedProjectAsync("tokens", "app");
        await Server.PublishAsync("tokens/app", "tool", "1.0.0", "tool.txt", "tool v1"u8.ToArray());
        await Server.CreateUserAsync("token-maker", password: "token-maker-password");
        await Server.AddProjectMemberAsync("tokens/app", "token-maker", "DEVELOPER");
        var page = await SignInAsync("token-maker", "token-maker-password");
        await page.GetByRole(AriaRole.Link, new() { Name = "Access tokens" }).ClickAsync();
        await page.GetByLabel("Token name").FillAsync("laptop curl");
        await page.GetByLabel("Expiration date").FillAsync(DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create personal access token" }).ClickAsync();
        var token = await page.GetByTestId("new-token").InputValueAsync();
        Assert.StartsWith("glpat-", token);
        await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = "laptop curl" })).ToContainTextAsync("Active");
        await ScreenshotAsync(page, "08-personal-access-tokens");

        var url = Url(Publishing.Url("tokens/app", "tool", "1.0.0", "tool.txt"));
        var (status, body) = await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", url);
        Assert.Equal(200, status);
        Assert.Equal("tool v1", body);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke laptop curl" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = "laptop curl" })).ToContainTextAsync("Revoked");
        Assert.Equal(401, (await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", url)).Status);
    }

    [Fact]
    public async Task A_maintainer_creates_a_project_access_token_that_downloads_with_curl_until_it_is_revoked()
    {
        await SeedProjectAsync("project-tokens", "app");
        await Server.PublishAsync("project-tokens/app", "tool", "2.0.0", "tool.txt", "tool v2"u8.ToArray());
        await Server.CreateUserAsync("pat-maintainer", password: "maintainer-password");
        await Server.AddProjectMemberAsync("project-tokens/app", "pat-maintainer", "MAINTAINER");
        await Server.CreateUserAsync("pat-developer", password: "developer-password");
        await Server.AddProjectMemberAsync("project-tokens/app", "pat-developer", "DEVELOPER");

        var page = await SignInAsync("pat-maintainer", "maintainer-password");
        await page.GotoAsync("/project-tokens/app/-/packages");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Access tokens" }).ClickAsync();
        await page.GetByLabel("Token name").FillAsync("release download");
        await page.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Reporter" });
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "read_api" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project access token" }).ClickAsync();
        var token = await page.GetByTestId("new-token").InputValueAsync();
        Assert.StartsWith("glpat-", token);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy your new project access token" })).ToBeVisibleAsync();
        var row = page.GetByTestId("token-row").Filter(new() { HasText = "release download" });
        await Assertions.Expect(row).ToContainTextAsync("Reporter");
        await Assertions.Expect(row).ToContainTextAsync("read_api");
        await Assertions.Expect(row).ToContainTextAsync("Active");
        await ScreenshotAsync(page, "12-project-access-tokens");

        // The secret works as GitLab's curl snippets use it; a Reporter's read_api token reads but does not publish.
        var url = Url(Publishing.Url("project-tokens/app", "tool", "2.0.0", "tool.txt"));
        var (status, body) = await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", url);
        Assert.Equal(200, status);
        Assert.Equal("tool v2", body);
        var publish = Url(Publishing.Url("project-tokens/app", "tool", "2.0.1", "tool.txt"));
        Assert.Equal(403, (await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", "--request", "PUT", "--data-binary", "tool v2.0.1", publish)).Status);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke release download" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("release download");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Revoked");
        Assert.Equal(401, (await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", url)).Status);

        // A Developer sees neither the tokens nor the form.
        var developer = await SignInAsync("pat-developer", "developer-password");
        await developer.GotoAsync("/project-tokens/app/-/settings/access_tokens");
        await Assertions.Expect(developer.GetByText("Only the project's Maintainers and Owners can see and manage its access tokens.")).ToBeVisibleAsync();
        Assert.Equal(0, await developer.GetByText("release download").CountAsync());
        Assert.Equal(0, await developer.GetByRole(AriaRole.Button, new() { Name = "Create project access token" }).CountAsync());
    }

    [Fact]
    public async Task A_maintainer_creates_a_deploy_token_that_downloads_with_curl_until_it_is_revoked()
    {
        await SeedProjectAsync("deploy-tokens", "app");
        await Server.PublishAsync("deploy-tokens/app", "tool", "3.0.0", "tool.txt", "tool v3"u8.ToArray());
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/deploy-tokens/app/-/settings/repository");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("mirror");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create deploy token" }).ClickAsync();
        var token = await page.GetByTestId("new-token").InputValueAsync();
        var username = await page.GetByTestId("new-token-username").InnerTextAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "mirror" })).ToContainTextAsync("Active");

        var url = Url(Publishing.Url("deploy-tokens/app", "tool", "3.0.0", "tool.txt"));
        var (status, body) = await Curl.RunAsync("--user", $"{username}:{token}", url);
        Assert.Equal(200, status);
        Assert.Equal("tool v3", body);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke mirror" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "mirror" })).ToContainTextAsync("Revoked");
        Assert.Equal(401, (await Curl.RunAsync("--user", $"{username}:{token}", url)).Status);
    }

    /// <summary>
    /// The sidebar a page first paints is already its group's or project's: the home menu (whose "Access tokens" is the
    /// user's own) never shows under the pointer of someone clicking quickly. The pages' code is held back a little, as
    /// on a loaded machine, where that race made a test land on the personal tokens page now and then.
    /// </summary>
    [Theory]
    [InlineData("/groups/first-paint-g/-/packages", "first-paint-g", "Group", "/groups/first-paint-g/-/settings/access_tokens")]
    [InlineData("/first-paint-p/app/-/packages", "first-paint-p", "Project", "/first-paint-p/app/-/settings/access_tokens")]
    public async Task The_sidebar_shows_the_group_or_project_menu_from_the_first_paint(string path, string group, string kind, string tokensPath)
    {
        await SeedProjectAsync(group, "app");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        // Records each text the sidebar shows, from the moment it is first in the page.
        await page.AddInitScriptAsync("""
            window.__sidebars = [];
            new MutationObserver(() => {
              const nav = document.getElementById('sidebar');
              const text = nav ? nav.innerText.replace(/\s+/g, ' ').trim() : null;
              if (text !== null && window.__sidebars[window.__sidebars.length - 1] !== text) window.__sidebars.push(text);
            }).observe(document, { childList: true, subtree: true, characterData: true });
            """);
        await page.RouteAsync(new System.Text.RegularExpressions.Regex("/assets/(?!index-)[^/]+\\.js$"), async route =>
        {
            await Task.Delay(400);
            await route.ContinueAsync();
        });
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        // Clicks as soon as an "Access tokens" entry can be clicked.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Access tokens" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(tokensPath) + "$"));
        var sidebars = await page.EvaluateAsync<string[]>("window.__sidebars");
        output.WriteLine(string.Join("\n", sidebars));
        Assert.NotEmpty(sidebars);
        Assert.All(sidebars, text =>
        {
            Assert.Contains($"{kind} {group}", text);
            Assert.DoesNotContain("Password", text);
        });
    }

    [Fact]
    public async Task A_group_owner_creates_a_group_access_token_that_publishes_into_the_groups_projects()
    {
        await SeedProjectAsync("group-tokens", "app");
        await Server.CreateUserAsync("gat-maintainer", password: "maintainer-password");
        await Server.AddGroupMemberAsync("group-tokens", "gat-maintainer", "MAINTAINER");

        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/groups/group-tokens/-/packages");
        // What a person waits for: the group's page, with the group named in the sidebar, before choosing its entry.
        var sidebar = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(sidebar).ToContainTextAsync("Groupgroup-tokens");
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Access tokens" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/groups/group-tokens/-/settings/access_tokens$"));
        await Assertions.Expect(page.GetByText("This group has no access tokens.")).ToBeVisibleAsync();
        await page.GetByLabel("Token name").FillAsync("ci publisher");
        await page.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Developer" });
        await page.GetByRole(AriaRole.Checkbox, new() { NameRegex = new System.Text.RegularExpressions.Regex("^api ") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group access token" }).ClickAsync();
        var token = await page.GetByTestId("new-token").InputValueAsync();
        await Assertions.Expect(page.GetByTestId("token-row").Filter(new() { HasText = "ci publisher" })).ToContainTextAsync("Developer");
        await ScreenshotAsync(page, "13-group-access-tokens");

        var url = Url(Publishing.Url("group-tokens/app", "built", "1.0.0", "out.bin"));
        Assert.Equal(201, (await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", "--request", "PUT", "--data-binary", "built by ci", url)).Status);
        Assert.Equal("built by ci", (await Curl.RunAsync("--header", $"PRIVATE-TOKEN: {token}", url)).Body);

        // A Maintainer of the group is not an Owner: no tokens, no form.
        var maintainer = await SignInAsync("gat-maintainer", "maintainer-password");
        await maintainer.GotoAsync("/groups/group-tokens/-/settings/access_tokens");
        await Assertions.Expect(maintainer.GetByText("Only the group's Owners can see and manage its access tokens.")).ToBeVisibleAsync();
        Assert.Equal(0, await maintainer.GetByText("ci publisher").CountAsync());
    }

    [Fact]
    public async Task A_protection_rule_added_in_the_UI_refuses_a_developers_REST_push_and_marks_the_packages_it_matches()
    {
        await SeedProjectAsync("protecting", "app");
        await Server.PublishAsync("protecting/app", "release-cli", "1.0.0", "cli.tar.gz", "cli 1.0.0");
        await Server.PublishAsync("protecting/app", "nightly-cli", "1.0.0", "cli.tar.gz", "nightly 1.0.0");
        await Server.CreateUserAsync("protect-maintainer", password: "maintainer-password");
        await Server.AddProjectMemberAsync("protecting/app", "protect-maintainer", "MAINTAINER");
        await Server.CreateUserAsync("protect-developer", password: "developer-password");
        var developerToken = await Server.CreatePersonalAccessTokenAsync("protect-developer", ["API"]);
        await Server.AddProjectMemberAsync("protecting/app", "protect-developer", "DEVELOPER");

        var page = await SignInAsync("protect-maintainer", "maintainer-password");
        await page.GotoAsync("/protecting/app/-/packages");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Packages and registries" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No packages are protected yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Name pattern", new() { Exact = true }).FillAsync("release-*");
        await page.GetByLabel("Minimum access level for push").SelectOptionAsync("MAINTAINER");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Added the protection rule release-*.");
        var rule = page.GetByTestId("protection-rule-row").Filter(new() { HasText = "release-*" });
        await Assertions.Expect(rule).ToContainTextAsync("Maintainer");
        await ScreenshotAsync(page, "14-project-package-settings");

        // A Developer's REST PUT of a matching name is refused with GitLab's 403; other names are not protected.
        using (var refused = await Server.UploadAsync("protecting/app", "release-cli", "1.1.0", "cli.tar.gz", "cli 1.1.0"u8.ToArray(), token: developerToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("Package protected.", await refused.Content.ReadAsStringAsync());
        }
        using (var accepted = await Server.UploadAsync("protecting/app", "nightly-cli", "1.1.0", "cli.tar.gz", "nightly 1.1.0"u8.ToArray(), token: developerToken))
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        // The packages the rule matches carry a badge, in the list and on their page.
        await page.GotoAsync("/protecting/app/-/packages");
        await Assertions.Expect(page.GetByTestId("package-row")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("package-row").Filter(new() { HasText = "release-cli" })).ToContainTextAsync("Protected");
        Assert.Equal(0, await page.GetByTestId("package-row").Filter(new() { HasText = "nightly-cli" }).GetByText("Protected").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "release-cli" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("package-protected")).ToBeVisibleAsync();

        // Edited in place: pushes open to Developers again, deletes for Owners only; then the Developer's PUT is accepted.
        await page.GotoAsync("/protecting/app/-/settings/packages_and_registries");
        await rule.GetByRole(AriaRole.Button, new() { Name = "Edit release-*" }).ClickAsync();
        var editing = page.GetByTestId("protection-rule-row").First;
        await Assertions.Expect(editing.GetByLabel("Name pattern", new() { Exact = true })).ToBeFocusedAsync();
        await editing.GetByLabel("Minimum access level for push").SelectOptionAsync(new SelectOptionValue { Label = "Developer (no minimum)" });
        await editing.GetByLabel("Minimum access level for delete").SelectOptionAsync(new SelectOptionValue { Label = "Owner" });
        await editing.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved the protection rule release-*.");
        await Assertions.Expect(rule).ToContainTextAsync("Developer (no minimum)");
        await Assertions.Expect(rule).ToContainTextAsync("Owner");
        using (var accepted = await Server.UploadAsync("protecting/app", "release-cli", "1.1.0", "cli.tar.gz", "cli 1.1.0"u8.ToArray(), token: developerToken))
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        // Deleted after a confirmation: nothing is protected any more.
        await rule.GetByRole(AriaRole.Button, new() { Name = "Delete release-*" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete rule" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No packages are protected yet.")).ToBeVisibleAsync();
        var rules = await Server.GraphQLAsync("{ project(fullPath: \"protecting/app\") { packagesProtectionRules { count } } }");
        Assert.Equal(0, rules.GetProperty("project").GetProperty("packagesProtectionRules").GetProperty("count").GetInt32());

        // A Developer sees no settings to change.
        var developerPage = await SignInAsync("protect-developer", "developer-password");
        await developerPage.GotoAsync("/protecting/app/-/settings/packages_and_registries");
        await Assertions.Expect(developerPage.GetByText("Only the project's Maintainers and Owners can see and change these settings.")).ToBeVisibleAsync();
        Assert.Equal(0, await developerPage.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).CountAsync());
    }

    [Fact]
    public async Task A_retention_rule_made_in_the_UI_dry_runs_to_exactly_the_versions_a_run_would_delete_and_deletes_nothing()
    {
        await SeedProjectAsync("retaining", "app");
        // SemVer order, not text order: 1.10.0 is newer than 1.2.0, and 2.0.0-rc.1 sits between 1.10.0 and 2.0.0.
        string[] nightly = ["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1", "2.0.0"];
        foreach (var version in nightly) await Server.PublishAsync("retaining/app", "nightly-cli", version, "cli.tar.gz", $"nightly {version}");
        await Server.PublishAsync("retaining/app", "nightly-docs", "0.1.0", "docs.zip", "docs");
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" }) await Server.PublishAsync("retaining/app", "stable-cli", version, "cli.tar.gz", $"stable {version}");

        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/retaining/app/-/settings/packages_and_registries");
        await Assertions.Expect(page.GetByText("No retention rules")).ToBeVisibleAsync();
        await page.GetByLabel("Package name pattern").FillAsync("nightly-*");
        await page.GetByLabel("Keep the newest versions").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add retention rule" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("retention-rule-row")).ToContainTextAsync("keeps the 3 newest versions");

        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("dry-run-summary")).ToContainTextAsync("2 packages would be deleted. Nothing has been deleted.");
        var rows = page.GetByTestId("dry-run-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var listed = (await rows.AllInnerTextsAsync()).Select(t => t.Replace('\t', ' ').Replace('\n', ' ')).ToList();
        Assert.Single(listed, t => t.Contains("nightly-cli") && t.Contains(" 1.0.0 "));
        Assert.Single(listed, t => t.Contains("nightly-cli") && t.Contains(" 1.2.0 "));
        await ScreenshotAsync(page, "15-retention-dry-run");

        // The dry run deleted nothing: every version still downloads.
        foreach (var version in nightly)
            Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync("retaining/app", "nightly-cli", version, "cli.tar.gz")).Status);
        var count = await Server.GraphQLAsync("{ project(fullPath: \"retaining/app\") { packages { count } } }");
        Assert.Equal(9, count.GetProperty("project").GetProperty("packages").GetProperty("count").GetInt32());

        // The rule is deleted after a confirmation.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete retention rule nightly-*" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete rule" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No retention rules")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_cleanup_policy_chosen_in_the_UI_is_saved_and_scheduled()
    {
        await SeedProjectAsync("cleaning", "app");
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/cleaning/app/-/settings/packages_and_registries");
        var keep = page.GetByLabel("Number of duplicated assets to keep");
        await Assertions.Expect(keep).ToHaveValueAsync("ALL_PACKAGE_FILES");
        await keep.SelectOptionAsync(new SelectOptionValue { Label = "1 duplicated asset" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved the cleanup policy.");
        await Assertions.Expect(page.GetByTestId("cleanup-next-run")).ToContainTextAsync("Next cleanup:");

        var policy = (await Server.GraphQLAsync("{ project(fullPath: \"cleaning/app\") { packagesCleanupPolicy { keepNDuplicatedPackageFiles nextRunAt } } }"))
            .GetProperty("project").GetProperty("packagesCleanupPolicy");
        Assert.Equal("ONE_PACKAGE_FILE", policy.GetProperty("keepNDuplicatedPackageFiles").GetString());
        Assert.Equal(JsonValueKind.String, policy.GetProperty("nextRunAt").ValueKind);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Number of duplicated assets to keep")).ToHaveValueAsync("ONE_PACKAGE_FILE");
    }

    [Fact]
    public async Task A_maintainer_deletes_a_file_after_confirming()
    {
        await SeedProjectAsync("deleting", "app");
        await Server.PublishAsync("deleting/app", "pkg", "1.0.0", "keep.txt", "keep"u8.ToArray());
        await Server.PublishAsync("deleting/app", "pkg", "1.0.0", "drop.txt", "drop"u8.ToArray());
        await Server.CreateUserAsync("deleting-maintainer", password: "maintainer-password");
        await Server.AddProjectMemberAsync("deleting/app", "deleting-maintainer", "MAINTAINER");
        var page = await SignInAsync("deleting-maintainer", "maintainer-password");
        await page.GotoAsync("/deleting/app/-/packages");
        await page.GetByRole(AriaRole.Link, new() { Name = "pkg" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("file-row")).ToHaveCountAsync(2);

        // Cancelling keeps the file.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete drop.txt" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("file-row")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete drop.txt" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("drop.txt");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete file" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deleted drop.txt.");
        await Assertions.Expect(page.GetByTestId("file-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("file-row")).ToContainTextAsync("keep.txt");

        using var api = Server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(Publishing.Url("deleting/app", "pkg", "1.0.0", "drop.txt"))).StatusCode);
        Assert.Equal("keep", await api.GetStringAsync(Publishing.Url("deleting/app", "pkg", "1.0.0", "keep.txt")));
    }

    [Fact]
    public async Task A_cookie_authenticated_mutation_without_the_CSRF_token_is_refused()
    {
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GotoAsync("/");
        // What a script on the page could send with the cookie but without the token, and then with it.
        const string script = """
            async (withToken) => {
              const headers = { 'Content-Type': 'application/json' };
              if (withToken) headers['X-CSRF-Token'] = document.querySelector('meta[name="csrf-token"]').content;
              const r = await fetch('/api/graphql', { method: 'POST', credentials: 'same-origin', headers,
                body: JSON.stringify({ query: `mutation { createGroup(input: {path: "${withToken ? 'csrf-with' : 'csrf-without'}"}) { group { fullPath } errors } }` }) });
              return await r.json();
            }
            """;
        var without = await page.EvaluateAsync<JsonElement>(script, false);
        var refused = without.GetProperty("data").GetProperty("createGroup");
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("group").ValueKind);
        Assert.Contains("signed in", refused.GetProperty("errors")[0].GetString());
        Assert.Equal(JsonValueKind.Null, (await Server.GraphQLAsync("{ group(fullPath: \"csrf-without\") { id } }")).GetProperty("group").ValueKind);

        var with = await page.EvaluateAsync<JsonElement>(script, true);
        Assert.Equal("csrf-with", with.GetProperty("data").GetProperty("createGroup").GetProperty("group").GetProperty("fullPath").GetString());
    }

    [Fact]
    public async Task Administrators_create_a_user_with_a_password_who_then_signs_in()
    {
        var page = await SignInAsync("root", RegistryServer.RootPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Admin area" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync("admin-made");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Admin Made");
        await page.GetByLabel("Password").FillAsync("admin-made-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Created admin-made.");
        var row = page.GetByTestId("user-row").Filter(new() { HasText = "@admin-made" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Make admin" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Administrator");
        await ScreenshotAsync(page, "09-admin-users");

        var newcomer = await SignInAsync("admin-made", "admin-made-password");
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Link, new() { Name = "Admin area" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pages_fit_a_phone_screen_and_the_menu_opens_from_the_keyboard()
    {
        await SeedProjectAsync("phone", "app");
        await Server.PublishAsync("phone/app", "mobile-package-with-a-long-name", "1.0.0-rc.1+build.42", "artifact-with-a-long-file-name.tar.gz");
        var page = await SignInAsync("root", RegistryServer.RootPassword, width: 390);
        foreach (var path in new[] { "/", "/phone/app/-/packages", "/groups/phone/-/packages", "/admin/users", "/groups/phone/-/settings/packages_and_registries", "/phone/app/-/settings/access_tokens", "/phone/app/-/settings/packages_and_registries" })
        {
            await page.GotoAsync(path);
            await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
            var wide = overflow <= 0 ? "" : await page.EvaluateAsync<string>("""
                [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                  .slice(-5).map(e => e.tagName + '.' + e.className + ' "' + (e.textContent || '').trim().slice(0, 40) + '"').join('; ')
                """);
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than a phone screen: {wide}");

            // A filter card is as tall as the fields it stacks: no empty space under the search field.
            var cards = await page.EvaluateAsync<double[][]>("""
                [...document.querySelectorAll('.filters')].map(card => {
                  const style = getComputedStyle(card);
                  const fields = [...card.querySelectorAll('input, select, button')].filter(c => c.getBoundingClientRect().height > 0);
                  const used = fields.reduce((sum, c) => sum + c.getBoundingClientRect().height, 0)
                    + (fields.length - 1) * parseFloat(style.rowGap || '0') + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
                  return [card.clientHeight, used];
                })
                """);
            foreach (var card in cards)
            {
                output.WriteLine($"{path}: filter card {card[0]} px high, its fields need {card[1]:F0} px");
                Assert.True(card[0] - card[1] <= 2, $"{path}: the filter card is {card[0]} px high but its fields need {card[1]:F0} px");
            }
            if (path is "/" or "/phone/app/-/packages" or "/admin/users") Assert.NotEmpty(cards);
        }
        await page.GotoAsync("/phone/app/-/packages");
        await Assertions.Expect(page.GetByTestId("package-row")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "10-phone-project-packages");
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();
    }
}
