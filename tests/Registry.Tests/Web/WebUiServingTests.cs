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

    [Theory]
    [InlineData("/api/v4/projects/1/packages/generic/x/1.0.0/missing.txt")]
    [InlineData("/api/v4/unknown")]
    [InlineData("/-/liveness")]
    [InlineData("/-/metrics")]
    [InlineData("/-/packages")]
    [InlineData("/assets/missing.js")]
    [InlineData("/some/random/path")]
    [InlineData("/favicon.ico")]
    public async Task Other_paths_never_get_the_page(string path)
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
