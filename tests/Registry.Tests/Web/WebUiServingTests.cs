using System.Net;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Web;

/// <summary>
/// The UI's page is served for the UI's own paths (so a reload or a pasted link opens it) and for nothing else:
/// API, GraphQL and operations paths keep their own answers.
/// </summary>
public sealed class WebUiServingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Theory]
    [InlineData("/")]
    [InlineData("/users/sign_in")]
    [InlineData("/acme/tools/-/packages")]
    [InlineData("/acme/sub/tools/-/packages/12")]
    [InlineData("/acme/tools/-/settings/repository")]
    [InlineData("/groups/acme/-/packages")]
    [InlineData("/groups/acme/sub/-/settings/packages_and_registries")]
    [InlineData("/-/user_settings/personal_access_tokens")]
    [InlineData("/admin")]
    [InlineData("/admin/users")]
    [InlineData("/acme/tools/-/project_members")]
    [InlineData("/groups/acme")]
    [InlineData("/explore")]
    public async Task Ui_paths_get_the_page(string path)
    {
        using var client = Server.Client();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<div id=\"app\">", html);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());

        // The assets it names are served, with long caching (their names carry a content hash).
        var asset = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(asset);
        using var js = await client.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Contains("immutable", js.Headers.CacheControl?.ToString());
    }

    /// <summary>A public group acme with a public project tools and a private one, hidden (no address for anonymous readers).</summary>
    private async Task SeedAsync()
    {
        var existing = await Server.GraphQLAsync("{ group(fullPath: \"acme\") { id } }");
        if (existing.GetProperty("group").ValueKind != JsonValueKind.Null) return;
        await Server.CreateGroupAsync("acme", "PUBLIC");
        await Server.CreateProjectAsync("acme", "tools", "PUBLIC");
        await Server.CreateProjectAsync("acme", "hidden", "PRIVATE");
    }

    /// <summary>
    /// Routes are matched by the linear-time engine with no wall-clock limit: under a 100 ms limit a loaded CI machine
    /// answered a reload of /groups/acme/-/audit_events with 500.
    /// </summary>
    [Fact]
    public void The_app_routes_match_in_linear_time_without_a_clock_limit()
    {
        var table = Registry.Server.Web.WebUiRoutes.Load(Path.Combine(AppContext.BaseDirectory, "WebUi", Registry.Server.Web.WebUiRoutes.FileName));
        Assert.NotEmpty(table.Routes);
        Assert.All(table.Routes, r =>
        {
            Assert.True(r.Regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), r.Path);
            Assert.Equal(System.Text.RegularExpressions.Regex.InfiniteMatchTimeout, r.Regex.MatchTimeout);
        });
        Assert.Equal(Registry.Server.Web.WebUiMatch.Page, table.Match("/groups/acme/-/audit_events").Match);
    }

    /// <summary>The route table the app's router is built from, as its build wrote it beside the server.</summary>
    public static IReadOnlyList<JsonElement> AppRoutes()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "WebUi", "routes.json");
        var routes = JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.EnumerateArray().ToList();
        // The manifest is the table's: one entry for each route of src/Registry.Web/src/routes.ts.
        var table = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Registry.Web", "src", "routes.ts"));
        Assert.Equal(System.Text.RegularExpressions.Regex.Matches(table, @"\bexample: '").Count, routes.Count);
        return routes;
    }

    [Fact]
    public async Task Every_route_of_the_apps_router_gets_the_page_on_reload()
    {
        // The namespace route's example (/acme/tools) is the app's only when that project exists and the reader sees it.
        await SeedAsync();
        var routes = AppRoutes();
        Assert.True(routes.Count >= 18, $"only {routes.Count} routes in routes.json");
        using var client = Server.Client();
        foreach (var route in routes)
        {
            var example = route.GetProperty("example").GetString()!;
            using var response = await client.GetAsync(example);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{example} (route {route.GetProperty("path")}): {(int)response.StatusCode}");
            Assert.Contains("<div id=\"app\">", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("/some/random/path")]
    [InlineData("/acme/tools/-/wiki")]
    [InlineData("/groups/acme/-/wiki")]
    [InlineData("/acme/hidden")]
    [InlineData("/no-such-group")]
    [InlineData("/admin/nothing")]
    [InlineData("/-/packages")]
    public async Task Unknown_addresses_get_the_apps_not_found_page_with_404(string path)
    {
        await SeedAsync();
        using var client = Server.Client();
        using var html = new HttpRequestMessage(HttpMethod.Get, path);
        html.Headers.Add("Accept", "text/html,application/xhtml+xml");
        using var page = await client.SendAsync(html);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"app\">", await page.Content.ReadAsStringAsync());

        // Not a browser's navigation (a script, an image): a plain 404.
        using var plain = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
        Assert.NotEqual("text/html", plain.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/v4/projects/1/packages/generic/x/1.0.0/missing.txt")]
    [InlineData("/api/v4/unknown")]
    [InlineData("/api/unknown")]
    [InlineData("/-/liveness")]
    [InlineData("/-/metrics")]
    [InlineData("/assets/missing.js")]
    public async Task Api_assets_and_operations_paths_never_get_the_page(string path)
    {
        using var client = Server.Client();
        client.DefaultRequestHeaders.Add("Accept", "text/html");
        using var response = await client.GetAsync(path);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Graphql_and_writes_to_ui_paths_are_not_swallowed()
    {
        using var client = Server.Client();
        var query = await client.GetAsync("/api/graphql?query=" + Uri.EscapeDataString("{ currentUser { username } }"));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await query.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("currentUser").ValueKind);
        var post = await client.PostAsync("/acme/tools/-/packages", new StringContent("x"));
        Assert.NotEqual("text/html", post.Content.Headers.ContentType?.MediaType);
    }
}
