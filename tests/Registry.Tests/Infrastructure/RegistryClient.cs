using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>A GraphQL answer with its HTTP status and headers, for tests of the endpoint itself.</summary>
public sealed record GraphQLResponse(HttpStatusCode StatusCode, HttpResponseHeaders Headers, string? ContentType, JsonElement Body)
{
    public bool HasErrors => Body.TryGetProperty("errors", out _);
    public JsonElement Data => Body.GetProperty("data");
    public string[] ErrorMessages => Body.TryGetProperty("errors", out var errors)
        ? errors.EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToArray()
        : [];
}

/// <summary>
/// The one HTTP client factory and the one GraphQL caller, and the administration mutations the tests set up with,
/// for any running registry (<see cref="IRegistryEndpoint"/>). Tokens default to root's.
/// </summary>
public static class RegistryClient
{
    public const string RootToken = RegistryServer.RootToken;

    public static HttpClient Client(this IRegistryEndpoint server, string? privateToken = null)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (privateToken is not null) client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", privateToken);
        return client;
    }

    public static HttpClient Client(this IRegistryEndpoint server, Action<HttpRequestHeaders> configure)
    {
        var client = server.Client();
        configure(client.DefaultRequestHeaders);
        return client;
    }

    /// <summary>POSTs one GraphQL operation to <c>/api/graphql</c> as <paramref name="token"/> (null: anonymous).</summary>
    public static async Task<GraphQLResponse> GraphQLResponseAsync(this IRegistryEndpoint server, string query, object? variables = null,
        string? token = RootToken)
    {
        using var client = server.Client(token);
        using var response = await client.PostAsJsonAsync("/api/graphql", new { query, variables });
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body;
        try { body = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { throw new InvalidOperationException($"GraphQL answered {(int)response.StatusCode} with no JSON: {text}"); }
        return new GraphQLResponse(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.ToString(), body);
    }

    /// <summary>The whole JSON answer (data and errors), whatever its status.</summary>
    public static async Task<JsonElement> GraphQLRawAsync(this IRegistryEndpoint server, string query, object? variables = null,
        string? token = RootToken) => (await server.GraphQLResponseAsync(query, variables, token)).Body;

    /// <summary>Runs a GraphQL operation and returns its <c>data</c>; fails the test on any GraphQL error or a status other than 200.</summary>
    public static async Task<JsonElement> GraphQLAsync(this IRegistryEndpoint server, string query, object? variables = null,
        string? token = RootToken)
    {
        var response = await server.GraphQLResponseAsync(query, variables, token);
        if (response.HasErrors || response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GraphQL answered {(int)response.StatusCode}: {response.Body}");
        return response.Data;
    }

    /// <summary>Runs a mutation with one <c>input</c> and returns its payload (errors are data, not thrown).</summary>
    public static async Task<JsonElement> MutateAsync(this IRegistryEndpoint server, string mutation, object input, string? token = RootToken,
        string selection = "errors")
    {
        var data = await server.GraphQLAsync($"mutation($i: {InputTypeOf(mutation)}!) {{ {mutation}(input: $i) {{ {selection} }} }}", new { i = input }, token);
        return data.GetProperty(mutation);
    }

    /// <summary>A mutation's input type: GitLab's <c>&lt;Mutation&gt;Input</c>, one shared type for the three revocations.</summary>
    public static string InputTypeOf(string mutation) =>
        mutation.StartsWith("revoke", StringComparison.Ordinal) ? "RevokeTokenInput" : char.ToUpperInvariant(mutation[0]) + mutation[1..] + "Input";

    public static async Task<long> CreateGroupAsync(this IRegistryEndpoint server, string path, string visibility = "PRIVATE",
        string? parentPath = null, string? token = RootToken)
    {
        var payload = await server.MutateAsync("createGroup", new { path, parentPath, visibility }, token, "group { id } errors");
        return IdOf(payload, "group");
    }

    public static async Task<long> CreateProjectAsync(this IRegistryEndpoint server, string namespacePath, string path,
        string visibility = "PRIVATE", string? token = RootToken)
    {
        var payload = await server.MutateAsync("createProject", new { namespacePath, path, visibility }, token, "project { id } errors");
        return IdOf(payload, "project");
    }

    /// <summary>A new private group with a unique path starting with <paramref name="prefix"/> and its project <c>app</c>; returns the project's id.</summary>
    public static async Task<long> CreateUniqueProjectAsync(this IRegistryEndpoint server, string prefix, string visibility = "PRIVATE")
    {
        var group = $"{prefix}-{Guid.NewGuid():N}"[..Math.Max(20, prefix.Length + 9)];
        await server.CreateGroupAsync(group, visibility);
        return await server.CreateProjectAsync(group, "app", visibility);
    }

    /// <param name="password">the web UI password; null for a user who signs in with tokens only</param>
    public static async Task CreateUserAsync(this IRegistryEndpoint server, string username, bool admin = false, string? password = null)
    {
        AssertNoErrors(await server.MutateAsync("createUser", new { username, admin, password }, RootToken, "user { id } errors"));
    }

    /// <summary>Creates a user and an <c>api</c> (or given scopes) token for them.</summary>
    public static async Task<string> CreateUserWithTokenAsync(this IRegistryEndpoint server, string username, params string[] scopes)
    {
        await server.CreateUserAsync(username);
        return await server.CreatePersonalAccessTokenAsync(username, scopes.Length == 0 ? ["API"] : scopes);
    }

    public static async Task<string> CreatePersonalAccessTokenAsync(this IRegistryEndpoint server, string username, string[] scopes,
        DateTime? expiresAt = null)
    {
        var payload = await server.MutateAsync("createPersonalAccessToken", new { username, name = "test", scopes, expiresAt }, RootToken, "token errors");
        return TokenOf(payload);
    }

    public static async Task AddProjectMemberAsync(this IRegistryEndpoint server, string projectPath, string username, string accessLevel)
    {
        AssertNoErrors(await server.MutateAsync("addProjectMember", new { projectPath, username, accessLevel }));
    }

    public static async Task AddGroupMemberAsync(this IRegistryEndpoint server, string groupPath, string username, string accessLevel)
    {
        AssertNoErrors(await server.MutateAsync("addGroupMember", new { groupPath, username, accessLevel }));
    }

    public static async Task<(string Token, string Username)> CreateDeployTokenAsync(this IRegistryEndpoint server, string projectPath,
        params string[] scopes)
    {
        var payload = await server.MutateAsync("createDeployToken", new { projectPath, name = "deploy", scopes }, RootToken, "token username errors");
        return (TokenOf(payload), payload.GetProperty("username").GetString()!);
    }

    public static async Task<(string Token, string Username)> CreateGroupDeployTokenAsync(this IRegistryEndpoint server, string groupPath,
        params string[] scopes)
    {
        var payload = await server.MutateAsync("createDeployToken", new { groupPath, name = "deploy", scopes }, RootToken, "token username errors");
        return (TokenOf(payload), payload.GetProperty("username").GetString()!);
    }

    public static async Task<string> CreateCiJobTokenAsync(this IRegistryEndpoint server, string projectPath, string token)
    {
        return TokenOf(await server.MutateAsync("createCiJobToken", new { projectPath }, token, "token errors"));
    }

    /// <summary>The number at the end of a global id (<c>gid://gitlab/Project/7</c> is 7).</summary>
    public static long IdOf(string gid) => long.Parse(gid[(gid.LastIndexOf('/') + 1)..]);

    public static string[] Errors(this JsonElement payload) => payload.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static long IdOf(JsonElement payload, string field)
    {
        AssertNoErrors(payload);
        return IdOf(payload.GetProperty(field).GetProperty("id").GetString()!);
    }

    private static string TokenOf(JsonElement payload)
    {
        AssertNoErrors(payload);
        return payload.GetProperty("token").GetString()!;
    }

    private static void AssertNoErrors(JsonElement payload)
    {
        var errors = payload.GetProperty("errors");
        if (errors.GetArrayLength() > 0) throw new InvalidOperationException("Mutation errors: " + errors);
    }
}
