using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Ide;

/// <summary>The IDE over plain HTTP: who gets the page, where its files are, and that GraphQL itself is unchanged.</summary>
public sealed partial class IdeEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private static HttpRequestMessage BrowserGet(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    [Theory]
    [InlineData("/graphql")]
    [InlineData("/graphql/")]
    [InlineData("/api/graphql")]
    public async Task Browser_get_without_query_returns_the_IDE_page_and_its_assets_resolve(string path)
    {
        using var client = Server.Client();
        using var page = await client.SendAsync(BrowserGet(path));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>Banana Cake Pop</title>", html);
        var pageUrl = page.RequestMessage!.RequestUri!;
        Assert.Equal(path.TrimEnd('/') + "/", pageUrl.AbsolutePath);

        // Every script and stylesheet the page names, resolved against the page's URL as a browser would, is served.
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await client.GetAsync(new Uri(pageUrl, asset));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} from {path}: {(int)response.StatusCode}");
        }

        using var config = await client.GetAsync(new Uri(pageUrl, "bcp-config.json"));
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        var json = await config.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.GetProperty("useBrowserUrlAsEndpoint").GetBoolean());
    }

    [Theory]
    [InlineData("/graphql", "graphql/")]
    [InlineData("/api/graphql?x=1", "graphql/?x=1")]
    public async Task The_page_without_a_trailing_slash_redirects_to_it(string path, string location)
    {
        // Opened at /graphql the IDE's Schema Reference stays empty; at /graphql/ it works (BananaCakePopBrowserTests).
        // Relative, so that a proxy's path prefix stays in the address.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        using var response = await client.SendAsync(BrowserGet(path));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task Static_bundles_stream_with_content_types_and_long_caching()
    {
        using var client = Server.Client();
        var html = await (await client.SendAsync(BrowserGet("/graphql"))).Content.ReadAsStringAsync();
        var script = AssetReference().Matches(html).Select(m => m.Groups[1].Value).First(a => a.StartsWith("static/js/", StringComparison.Ordinal));
        using var response = await client.GetAsync("/graphql/" + script);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.NotNull(response.Headers.ETag);

        // The IDE's files carry its policy too: its service worker serves its copy of index.html on later visits, with
        // that file's headers, and its workers run under their script's policy.
        foreach (var file in new[] { "index.html", script })
        {
            using var answer = await client.GetAsync("/graphql/" + file);
            Assert.Contains("script-src 'self'", string.Join(' ', answer.Headers.GetValues("Content-Security-Policy")));
        }

        using var missing = await client.GetAsync("/graphql/static/js/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_bundles_service_worker_is_replaced_by_one_that_unregisters_itself()
    {
        using var client = Server.Client();
        foreach (var path in new[] { "/graphql/service-worker.js", "/api/graphql/service-worker.js" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var script = await response.Content.ReadAsStringAsync();
            Assert.Contains("registration.unregister()", script);
            Assert.DoesNotContain("'fetch'", script); // nothing is served from a cache
        }
    }

    [Fact]
    public async Task Graphql_get_with_a_query_still_answers_json_even_for_a_browser()
    {
        using var client = Server.Client();
        using var response = await client.SendAsync(BrowserGet("/graphql?query=%7B__typename%7D"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Query", json.GetProperty("data").GetProperty("__typename").GetString());
    }

    [Theory]
    [InlineData("/graphql")]
    [InlineData("/api/graphql")]
    public async Task Non_browser_get_without_query_is_still_a_graphql_error(string path)
    {
        using var client = Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("GraphQL query is missing.", json.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/graphql")]
    [InlineData("/api/graphql")]
    public async Task Graphql_post_is_unchanged(string path)
    {
        using var client = Server.Client();
        using var response = await client.PostAsJsonAsync(path, new { query = "{ __typename }" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Query", json.GetProperty("data").GetProperty("__typename").GetString());
    }

    [GeneratedRegex(@"(?:src|href)=""((?:\./)?static/[^""]+)""")]
    private static partial Regex AssetReference();
}
