using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>The GraphQL HTTP endpoint itself: GET and POST, status codes, authentication and the depth limit.</summary>
public sealed class GraphQLEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    private static string Get(string query, string? variables = null) =>
        "/api/graphql?query=" + Uri.EscapeDataString(query) + (variables is null ? "" : "&variables=" + Uri.EscapeDataString(variables));

    [Fact]
    public async Task Get_runs_a_query()
    {
        await Server.CreateGroupAsync("ep-get");
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.GetAsync(Get("query($p: ID!) { currentUser { username } group(fullPath: $p) { fullPath } }", """{"p":"ep-get"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.False(json.TryGetProperty("errors", out _), json.ToString());
        Assert.Equal("root", json.GetProperty("data").GetProperty("currentUser").GetProperty("username").GetString());
        Assert.Equal("ep-get", json.GetProperty("data").GetProperty("group").GetProperty("fullPath").GetString());

        // /graphql answers the same.
        using var alias = await client.GetAsync(Get("{ currentUser { username } }").Replace("/api/graphql", "/graphql"));
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
    }

    [Fact]
    public async Task Get_anonymous_query_works_and_sees_no_user()
    {
        using var client = Server.Client();
        using var response = await client.GetAsync(Get("{ currentUser { username } }"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(response)).GetProperty("data").GetProperty("currentUser").ValueKind);
    }

    [Fact]
    public async Task Get_with_a_mutation_is_refused_with_405_and_does_nothing()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.GetAsync(Get("mutation { createGroup(input: { path: \"made-by-get\" }) { errors } }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        var json = await JsonAsync(response);
        Assert.NotEqual(0, json.GetProperty("errors").GetArrayLength());
        Assert.False(json.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);

        var check = await Server.GraphQLAsync("{ group(fullPath: \"made-by-get\") { id } }");
        Assert.Equal(JsonValueKind.Null, check.GetProperty("group").ValueKind);

        // Choosing the mutation by operationName in a document that also holds a query is refused as well.
        var doc = "query Q { currentUser { username } } mutation M { createGroup(input: { path: \"made-by-get-2\" }) { errors } }";
        using var named = await client.GetAsync(Get(doc) + "&operationName=M");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, named.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Server.GraphQLAsync("{ group(fullPath: \"made-by-get-2\") { id } }")).GetProperty("group").ValueKind);
        using var query = await client.GetAsync(Get(doc) + "&operationName=Q");
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
    }

    [Fact]
    public async Task Post_runs_a_mutation()
    {
        var data = await Server.GraphQLAsync("mutation { createGroup(input: { path: \"made-by-post\" }) { group { fullPath } errors } }");
        Assert.Equal("made-by-post", data.GetProperty("createGroup").GetProperty("group").GetProperty("fullPath").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2")]
    [InlineData("\"just a string\"")]
    [InlineData("{}")]
    public async Task Unparseable_or_empty_body_is_400(string body)
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.PostAsync("/api/graphql", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual(0, (await JsonAsync(response)).GetProperty("errors").GetArrayLength());
    }

    [Theory]
    [InlineData("{ noSuchField }")]
    [InlineData("{ project(fullPath: ")]
    [InlineData("{ project { fullPath } }")]
    [InlineData("query($x: NoSuchType) { currentUser { id } }")]
    public async Task Invalid_query_is_400_with_errors(string query)
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.PostAsJsonAsync("/api/graphql", new { query });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.NotEqual(0, json.GetProperty("errors").GetArrayLength());
        Assert.False(json.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);

        using var get = await client.GetAsync(Get(query));
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
    }

    [Fact]
    public async Task Get_with_unparseable_variables_is_400()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.GetAsync(Get("{ currentUser { id } }", "{nope"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_token_is_401()
    {
        using var privateToken = Server.Client("glpat-not-a-real-token-000000");
        using var post = await privateToken.PostAsJsonAsync("/api/graphql", new { query = "{ currentUser { id } }" });
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.NotEqual(0, (await JsonAsync(post)).GetProperty("errors").GetArrayLength());
        using var get = await privateToken.GetAsync(Get("{ currentUser { id } }"));
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);

        using var bearer = Server.Client(h => h.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-real-token"));
        using var viaBearer = await bearer.PostAsJsonAsync("/api/graphql", new { query = "{ currentUser { id } }" });
        Assert.Equal(HttpStatusCode.Unauthorized, viaBearer.StatusCode);
    }

    private static string Nested(int levels)
    {
        // Each level adds three: project { packages { nodes { ... } } }.
        var open = string.Concat(Enumerable.Repeat("project { packages { nodes { ", levels));
        var close = string.Concat(Enumerable.Repeat("} } } ", levels));
        return "query($id: PackagesPackageID!) { package(id: $id) { " + open + "name " + close + "} }";
    }

    [Fact]
    public async Task Query_deeper_than_the_limit_is_refused_before_it_runs()
    {
        await Server.CreateGroupAsync("ep-depth");
        await Server.CreateProjectAsync("ep-depth", "app");
        await Server.PublishAsync("ep-depth/app", "deep", "1.0.0");
        var id = await Server.PackageGidAsync("ep-depth/app", "deep");

        // Within the limit (depth 9) it runs.
        var ok = await Server.GraphQLRawAsync(Nested(2), new { id });
        Assert.False(ok.TryGetProperty("errors", out _), ok.ToString());

        // Far beyond it (depth 3 * 10 + 2) it is refused with 400 and no data.
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.PostAsJsonAsync("/api/graphql", new { query = Nested(10), variables = new { id } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonAsync(response);
        var message = json.GetProperty("errors")[0].GetProperty("message").GetString();
        Assert.Contains("depth", message, StringComparison.OrdinalIgnoreCase);
        Assert.False(json.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);
    }

    private static string Wide(int aliases) =>
        "{ " + string.Concat(Enumerable.Range(0, aliases).Select(i =>
            $"a{i}: project(fullPath: \"ep-wide/app\") {{ packages(first: 100) {{ nodes {{ name packageFiles(first: 100) {{ nodes {{ fileName size }} }} }} }} }} ")) + "}";

    [Fact]
    public async Task Query_more_complex_than_the_limit_is_refused_before_it_runs()
    {
        await Server.CreateGroupAsync("ep-wide");
        await Server.CreateProjectAsync("ep-wide", "app");
        await Server.PublishAsync("ep-wide/app", "wide", "1.0.0");

        // Shallow (depth 7) but wide: one alias runs, twenty ask for up to 20 x 100 x 100 file nodes and are refused.
        var one = await Server.GraphQLResponseAsync(Wide(1));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.False(one.HasErrors, one.Body.ToString());
        Assert.Equal("wide", one.Data.GetProperty("a0").GetProperty("packages").GetProperty("nodes")[0].GetProperty("name").GetString());

        var many = await Server.GraphQLResponseAsync(Wide(20));
        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
        Assert.Contains("complexity", Assert.Single(many.ErrorMessages), StringComparison.OrdinalIgnoreCase);
        Assert.False(many.Body.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);
    }
}
