using System.Net;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

public sealed class PackageListTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<long> ProjectAsync(string group, string visibility = "PRIVATE")
    {
        await Server.CreateGroupAsync(group, visibility);
        return await Server.CreateProjectAsync(group, "app", visibility);
    }

    [Fact]
    public async Task Forty_five_packages_page_by_twenty_with_gitlab_headers_and_links()
    {
        var projectId = await ProjectAsync("pl-pages");
        using var client = Server.Client(RegistryServer.RootToken);
        for (var i = 0; i < 45; i++) await Server.PublishAsync(projectId, $"pkg{i:D2}", "1.0.0");

        var baseUrl = $"{Server.BaseAddress.ToString().TrimEnd('/')}/api/v4/projects/{projectId}/packages";
        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var response = await client.GetAsync($"/api/v4/projects/{projectId}/packages?per_page=20&page={page}&order_by=name&package_type=generic");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            seen.AddRange(list.Names());
            Assert.Equal(page < 3 ? 20 : 5, list.GetArrayLength());
            Assert.Equal("45", response.Header("X-Total"));
            Assert.Equal("3", response.Header("X-Total-Pages"));
            Assert.Equal("20", response.Header("X-Per-Page"));
            Assert.Equal(page.ToString(), response.Header("X-Page"));
            Assert.Equal(page < 3 ? (page + 1).ToString() : "", response.Header("X-Next-Page"));
            Assert.Equal(page > 1 ? (page - 1).ToString() : "", response.Header("X-Prev-Page"));

            string Url(int p) => $"{baseUrl}?order_by=name&package_type=generic&page={p}&per_page=20";
            var links = response.Links();
            var expected = new Dictionary<string, string> { ["first"] = Url(1), ["last"] = Url(3) };
            if (page > 1) expected["prev"] = Url(page - 1);
            if (page < 3) expected["next"] = Url(page + 1);
            Assert.Equal(expected.OrderBy(kv => kv.Key), links.OrderBy(kv => kv.Key));
            // GitLab's order of relations: prev, next, first, last.
            var rels = response.Header("Link").Split(", ").Select(l => l[(l.IndexOf("rel=", StringComparison.Ordinal) + 5)..^1]).ToArray();
            Assert.Equal(expected.Keys.OrderBy(r => Array.IndexOf(["prev", "next", "first", "last"], r)), rels);
        }
        Assert.Equal(Enumerable.Range(0, 45).Select(i => $"pkg{i:D2}"), seen);

        var beyond = await client.GetAsync($"/api/v4/projects/{projectId}/packages?page=4");
        Assert.Equal("[]", await beyond.Content.ReadAsStringAsync());
        Assert.Equal("", beyond.Header("X-Next-Page"));
        Assert.Equal("20", beyond.Header("X-Per-Page"));
    }

    [Fact]
    public async Task Package_json_has_gitlab_fields()
    {
        var projectId = await ProjectAsync("pl-json");
        using var client = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(projectId, "shape", "2.0.0");
        var package = (await client.GetOkAsync($"/api/v4/projects/{projectId}/packages"))[0];
        Assert.Equal(["id", "name", "version", "package_type", "status", "_links", "created_at", "last_downloaded_at", "tags"],
            package.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("generic", package.GetProperty("package_type").GetString());
        Assert.Equal("default", package.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, package.GetProperty("last_downloaded_at").ValueKind);
        Assert.Equal(0, package.GetProperty("tags").GetArrayLength());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", package.GetProperty("created_at").GetString());
        var id = package.GetProperty("id").GetInt64();
        var links = package.GetProperty("_links");
        Assert.Equal($"/pl-json/app/-/packages/{id}", links.GetProperty("web_path").GetString());
        Assert.Equal($"{Server.BaseAddress.ToString().TrimEnd('/')}/api/v4/projects/{projectId}/packages/{id}",
            links.GetProperty("delete_api_path").GetString());
    }

    [Fact]
    public async Task Each_order_by_and_sort()
    {
        var projectId = await ProjectAsync("pl-order");
        using var client = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(projectId, "bravo", "2.0.0");
        await Server.PublishAsync(projectId, "alpha", "3.0.0");
        await Server.PublishAsync(projectId, "charlie", "1.0.0");
        string url(string q) => $"/api/v4/projects/pl-order%2Fapp/packages?{q}";

        Assert.Equal(["bravo", "alpha", "charlie"], (await client.GetOkAsync(url(""))).Names());
        Assert.Equal(["bravo", "alpha", "charlie"], (await client.GetOkAsync(url("order_by=created_at&sort=asc"))).Names());
        Assert.Equal(["charlie", "alpha", "bravo"], (await client.GetOkAsync(url("order_by=created_at&sort=desc"))).Names());
        Assert.Equal(["alpha", "bravo", "charlie"], (await client.GetOkAsync(url("order_by=name"))).Names());
        Assert.Equal(["charlie", "bravo", "alpha"], (await client.GetOkAsync(url("order_by=name&sort=desc"))).Names());
        Assert.Equal(["charlie", "bravo", "alpha"], (await client.GetOkAsync(url("order_by=version"))).Names());
        Assert.Equal(["alpha", "bravo", "charlie"], (await client.GetOkAsync(url("order_by=version&sort=desc"))).Names());
        // One type only: ties fall back to the id, in the direction asked for.
        Assert.Equal(["bravo", "alpha", "charlie"], (await client.GetOkAsync(url("order_by=type"))).Names());
        Assert.Equal(["charlie", "alpha", "bravo"], (await client.GetOkAsync(url("order_by=type&sort=desc"))).Names());
    }

    [Fact]
    public async Task Filters_by_name_substring_exact_version_type_and_status()
    {
        var projectId = await ProjectAsync("pl-filter");
        using var client = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(projectId, "web-app", "1.0.0");
        await Server.PublishAsync(projectId, "web-app", "1.0.10");
        await Server.PublishAsync(projectId, "cli", "1.0.0");
        await Server.PublishAsync(projectId, "secret-web", "1.0.0", status: "hidden");
        string url(string q) => $"/api/v4/projects/{projectId}/packages?order_by=name&{q}";

        Assert.Equal(["web-app", "web-app"], (await client.GetOkAsync(url("package_name=WEB"))).Names());
        Assert.Equal(["cli", "web-app"], (await client.GetOkAsync(url("package_version=1.0.0"))).Names());
        Assert.Equal(3, (await client.GetOkAsync(url("package_type=generic"))).GetArrayLength());
        Assert.Equal(0, (await client.GetOkAsync(url("package_type=npm"))).GetArrayLength());
        Assert.Equal(3, (await client.GetOkAsync(url("include_versionless=true"))).GetArrayLength());
        Assert.Equal(3, (await client.GetOkAsync(url("status=default"))).GetArrayLength());

        var hidden = await client.GetOkAsync(url("status=hidden"));
        Assert.Equal(["secret-web"], hidden.Names());
        Assert.Equal("hidden", hidden[0].GetProperty("status").GetString());
        Assert.Equal(["web-app", "web-app"], (await client.GetOkAsync(url("package_name=web"))).Names());
    }

    [Theory]
    [InlineData("per_page=101", "per_page does not have a valid value")]
    [InlineData("per_page=0", "per_page does not have a valid value")]
    [InlineData("per_page=ten", "per_page is invalid")]
    [InlineData("page=0", "page does not have a valid value")]
    [InlineData("page=x", "page is invalid")]
    [InlineData("order_by=project_path", "order_by does not have a valid value")]
    [InlineData("order_by=size", "order_by does not have a valid value")]
    [InlineData("sort=up", "sort does not have a valid value")]
    [InlineData("package_type=zip", "package_type does not have a valid value")]
    [InlineData("status=gone", "status does not have a valid value")]
    [InlineData("include_versionless=maybe", "include_versionless is invalid")]
    public async Task Bad_parameters_are_400_in_gitlab_shape(string query, string error)
    {
        var group = "pl-bad-" + new string(query.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        await Server.CreateGroupAsync(group);
        var projectId = await Server.CreateProjectAsync(group, "app");
        using var client = Server.Client(RegistryServer.RootToken);
        var (response, body) = await client.GetJsonAsync($"/api/v4/projects/{projectId}/packages?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonSerializer.Serialize(new { error }), body.GetRawText());
    }

    [Fact]
    public async Task Access_rules_for_lists_including_read_deploy_tokens()
    {
        await Server.CreateGroupAsync("pl-access");
        var projectId = await Server.CreateProjectAsync("pl-access", "app");
        using var root = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(projectId, "pkg", "1.0.0");
        var url = $"/api/v4/projects/{projectId}/packages";

        var (deploy, username) = await Server.CreateDeployTokenAsync("pl-access/app", "READ_PACKAGE_REGISTRY");
        using var deployClient = Server.Client(h => h.Add("DEPLOY-TOKEN", deploy));
        var list = await deployClient.GetOkAsync(url);
        Assert.Equal(["pkg"], list.Names());
        Assert.False(list[0].GetProperty("_links").TryGetProperty("delete_api_path", out _));
        var id = list[0].GetProperty("id").GetInt64();
        Assert.Equal(1, (await deployClient.GetOkAsync($"{url}/{id}/package_files")).GetArrayLength());
        using var basic = Server.Client(h => h.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{username}:{deploy}"))));
        Assert.Equal(["pkg"], (await basic.GetOkAsync(url)).Names());

        var guestToken = await Server.CreateUserWithTokenAsync("pl-guest");
        await Server.AddProjectMemberAsync("pl-access/app", "pl-guest", "GUEST");
        using var guest = Server.Client(guestToken);
        Assert.False((await guest.GetOkAsync(url))[0].GetProperty("_links").TryGetProperty("delete_api_path", out _));

        var strangerToken = await Server.CreateUserWithTokenAsync("pl-stranger");
        using var stranger = Server.Client(strangerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);

        using var anonymous = Server.Client();
        var anon = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anon.StatusCode);
        Assert.Equal("Basic realm=\"GitLab Packages Registry\"", anon.Headers.WwwAuthenticate.ToString());
        using var invalid = Server.Client("not-a-token-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, (await invalid.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Public_project_lists_for_anonymous_callers()
    {
        await Server.CreateGroupAsync("pl-public", "PUBLIC");
        var projectId = await Server.CreateProjectAsync("pl-public", "app", "PUBLIC");
        using var root = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(projectId, "open", "1.0.0");
        using var anonymous = Server.Client();
        var list = await anonymous.GetOkAsync("/api/v4/projects/pl-public%2Fapp/packages");
        Assert.Equal(["open"], list.Names());
        Assert.False(list[0].GetProperty("_links").TryGetProperty("delete_api_path", out _));
    }
}
