using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// <c>openapi.json</c> at the repository root is the document the server generates at <c>/api/v4/openapi.json</c>. To
/// regenerate it after a deliberate change of the REST routes: <c>REGISTRY_UPDATE_OPENAPI=1 dotnet test --filter
/// OpenApiDocumentTests</c>, which writes the file and fails on purpose; review the diff and run again without it.
/// </summary>
public sealed partial class OpenApiDocumentTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Committed_openapi_file_is_the_served_document()
    {
        using var client = fixture.Server.Client();
        using var response = await client.GetAsync("/api/v4/openapi.json");
        response.EnsureSuccessStatusCode();
        var served = (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n").TrimEnd() + "\n";
        Assert.StartsWith("3.", JsonDocument.Parse(served).RootElement.GetProperty("openapi").GetString());
        var file = Path.Combine(RepositoryRoot.Path, "openapi.json");
        if (Environment.GetEnvironmentVariable("REGISTRY_UPDATE_OPENAPI") == "1")
        {
            var unchanged = File.Exists(file) && File.ReadAllText(file).ReplaceLineEndings("\n") == served;
            if (!unchanged) File.WriteAllText(file, served);
            Assert.Fail(unchanged
                ? "REGISTRY_UPDATE_OPENAPI=1: openapi.json already is the served document; run without the variable to check it"
                : "REGISTRY_UPDATE_OPENAPI=1: openapi.json was rewritten from the served document; review the diff and run without the variable to check it");
        }
        Assert.True(File.Exists(file), "openapi.json is missing at the repository root");
        Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), served);
    }

    [Fact]
    public async Task Every_mapped_rest_route_and_method_is_in_the_document()
    {
        using var client = fixture.Server.Client();
        var paths = JsonDocument.Parse(await client.GetStringAsync("/api/v4/openapi.json")).RootElement.GetProperty("paths");
        var mapped = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v4/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["(any method)"])
                .Select(m => (Path: Template(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .Distinct().ToList();
        Assert.NotEmpty(mapped);
        Assert.Contains(mapped, r => r.Path == "/api/v4/projects/{id}/packages/generic/{rest}" && r.Method == "put");
        var missing = mapped.Where(r => !(paths.TryGetProperty(r.Path, out var item) && item.TryGetProperty(r.Method, out _))).ToList();
        Assert.True(missing.Count == 0, "Not in openapi.json: " + string.Join(", ", missing.Select(r => $"{r.Method.ToUpperInvariant()} {r.Path}")));
    }

    /// <summary>A route template as OpenAPI writes it: <c>{**rest}</c>, <c>{id:int}</c> become <c>{rest}</c>, <c>{id}</c>; no trailing slash.</summary>
    private static string Template(string raw) => RouteValue().Replace(raw, m => "{" + m.Groups[1].Value + "}").TrimEnd('/');

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteValue();
}
