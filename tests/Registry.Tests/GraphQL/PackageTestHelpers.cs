using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>Uploads, downloads and settings through the real endpoints, for the GraphQL package tests.</summary>
internal static class PackageTestHelpers
{
    public const string SettingsMutation = """
        mutation($i: UpdateNamespacePackageSettingsInput!) {
          updateNamespacePackageSettings(input: $i) { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } errors }
        }
        """;

    public static string Url(string projectPath, string name, string version, string file, string? query = null) =>
        RegistryServer.GenericUrl(Uri.EscapeDataString(projectPath), name, version, file) + (query is null ? "" : "?" + query);

    public static async Task<HttpResponseMessage> UploadAsync(this RegistryServer server, string projectPath, string name, string version,
        string file, byte[] content, string? query = null, string token = RegistryServer.RootToken, TimeSpan? timeout = null)
    {
        using var client = server.Client(token);
        if (timeout is { } t) client.Timeout = t;
        return await client.PutAsync(Url(projectPath, name, version, file, query), new ByteArrayContent(content));
    }

    /// <summary>Uploads and requires 201.</summary>
    public static async Task PublishAsync(this RegistryServer server, string projectPath, string name, string version,
        string file = "file.bin", byte[]? content = null, string? query = null)
    {
        using var response = await server.UploadAsync(projectPath, name, version, file, content ?? [1, 2, 3], query);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload {name}/{version}/{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Uploads with <c>select=package_file</c> and returns the record.</summary>
    public static async Task<JsonElement> PublishSelectAsync(this RegistryServer server, string projectPath, string name, string version,
        string file, byte[] content, string token = RegistryServer.RootToken)
    {
        using var response = await server.UploadAsync(projectPath, name, version, file, content, "select=package_file", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<(HttpStatusCode Status, byte[] Body)> DownloadAsync(this RegistryServer server, string projectPath,
        string name, string version, string file, string token = RegistryServer.RootToken)
    {
        using var client = server.Client(token);
        using var response = await client.GetAsync(Url(projectPath, name, version, file));
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Runs the settings mutation; returns its payload (errors are data, not thrown).</summary>
    public static async Task<JsonElement> UpdateSettingsAsync(this RegistryServer server, string namespacePath, bool? allowed,
        string? regex, string token = RegistryServer.RootToken)
    {
        var input = new Dictionary<string, object?> { ["namespacePath"] = namespacePath };
        if (allowed is not null) input["genericDuplicatesAllowed"] = allowed;
        if (regex is not null) input["genericDuplicateExceptionRegex"] = regex;
        var data = await server.GraphQLAsync(SettingsMutation, new { i = input }, token);
        return data.GetProperty("updateNamespacePackageSettings");
    }

    public static async Task SetSettingsAsync(this RegistryServer server, string namespacePath, bool allowed, string? regex)
    {
        var payload = await server.UpdateSettingsAsync(namespacePath, allowed, regex ?? "");
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
    }

    public static async Task<(bool Allowed, string? Regex)> ReadSettingsAsync(this RegistryServer server, string namespacePath)
    {
        var data = await server.GraphQLAsync("query($p: ID!) { namespace(fullPath: $p) { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } } }",
            new { p = namespacePath });
        var s = data.GetProperty("namespace").GetProperty("packageSettings");
        return (s.GetProperty("genericDuplicatesAllowed").GetBoolean(), s.GetProperty("genericDuplicateExceptionRegex").GetString());
    }

    /// <summary>The global id of a package found by exact name (any status but pending destruction).</summary>
    public static async Task<string> PackageGidAsync(this RegistryServer server, string projectPath, string name, string status = "DEFAULT")
    {
        var data = await server.GraphQLAsync($"query($p: ID!, $n: String) {{ project(fullPath: $p) {{ packages(packageName: $n, status: {status}, first: 100) {{ nodes {{ id name }} }} }} }}",
            new { p = projectPath, n = name });
        return data.GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    public static string[] Strings(this JsonElement array, string property) =>
        array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!).ToArray();

    public static long IdOf(string gid) => long.Parse(gid[(gid.LastIndexOf('/') + 1)..]);

    public static string[] Errors(this JsonElement payload) => payload.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Stored blobs whose bytes are exactly <paramref name="content"/>, on either store.</summary>
    public static Task<string[]> BlobsWithContentAsync(this RegistryServer server, byte[] content) =>
        TestBackend.BlobsWithContentAsync(server, content);

    /// <summary>Polls until no blob holds <paramref name="content"/> (the background sweep), up to 10 seconds.</summary>
    public static async Task AssertBlobsGoneAsync(this RegistryServer server, byte[] content)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await server.BlobsWithContentAsync(content)).Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the destroyed file's blob is still on disk after 10 s");
            await Task.Delay(100);
        }
    }
}
