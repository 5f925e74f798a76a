using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>Package settings, package ids and stored blobs, through GraphQL and the backend, for any registry.</summary>
public static class PackageGraphQL
{
    public const string SettingsMutation = """
        mutation($i: UpdateNamespacePackageSettingsInput!) {
          updateNamespacePackageSettings(input: $i) { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } errors }
        }
        """;

    /// <summary>Runs the settings mutation; returns its payload (errors are data, not thrown).</summary>
    public static async Task<JsonElement> UpdateSettingsAsync(this IRegistryEndpoint server, string namespacePath, bool? allowed,
        string? regex, string token = RegistryServer.RootToken)
    {
        var input = new Dictionary<string, object?> { ["namespacePath"] = namespacePath };
        if (allowed is not null) input["genericDuplicatesAllowed"] = allowed;
        if (regex is not null) input["genericDuplicateExceptionRegex"] = regex;
        var data = await server.GraphQLAsync(SettingsMutation, new { i = input }, token);
        return data.GetProperty("updateNamespacePackageSettings");
    }

    public static async Task SetSettingsAsync(this IRegistryEndpoint server, string namespacePath, bool allowed, string? regex)
    {
        var payload = await server.UpdateSettingsAsync(namespacePath, allowed, regex ?? "");
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
    }

    public static async Task<(bool Allowed, string? Regex)> ReadSettingsAsync(this IRegistryEndpoint server, string namespacePath)
    {
        var data = await server.GraphQLAsync("query($p: ID!) { namespace(fullPath: $p) { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } } }",
            new { p = namespacePath });
        var s = data.GetProperty("namespace").GetProperty("packageSettings");
        return (s.GetProperty("genericDuplicatesAllowed").GetBoolean(), s.GetProperty("genericDuplicateExceptionRegex").GetString());
    }

    /// <summary>The global id of a package found by exact name (any status but pending destruction).</summary>
    public static async Task<string> PackageGidAsync(this IRegistryEndpoint server, string projectPath, string name, string status = "DEFAULT")
    {
        var data = await server.GraphQLAsync($"query($p: ID!, $n: String) {{ project(fullPath: $p) {{ packages(packageName: $n, status: {status}, first: 100) {{ nodes {{ id name }} }} }} }}",
            new { p = projectPath, n = name });
        return data.GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    /// <summary>Stored blobs whose bytes are exactly <paramref name="content"/>, on either store.</summary>
    public static Task<string[]> BlobsWithContentAsync(this RegistryServer server, byte[] content) =>
        TestBackend.BlobsWithContentAsync(server, content);

    /// <summary>Waits until no blob holds <paramref name="content"/> (the background sweep).</summary>
    public static Task AssertBlobsGoneAsync(this RegistryServer server, byte[] content) =>
        Eventually.HoldsAsync(async () => (await server.BlobsWithContentAsync(content)).Length == 0, "the destroyed file's blob is removed from storage");
}
