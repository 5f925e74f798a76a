using System.Text.Json;
using Microsoft.Extensions.Options;
using Registry.Server.Hosting;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

/// <summary>Behind a proxy or load balancer the request's Host is an internal address; Registry:ExternalUrl replaces it.</summary>
public sealed class ExternalUrlTests
{
    [Fact]
    public async Task Absolute_urls_start_with_the_external_url_not_the_request_host()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:ExternalUrl"] = "https://packages.example.com/mirror/",
        });
        await server.CreateGroupAsync("ext");
        var projectId = await server.CreateProjectAsync("ext", "app");
        using var client = server.Client(RegistryServer.RootToken);
        await server.PublishAsync(projectId, "one", "1.0.0");
        await server.PublishAsync(projectId, "two", "1.0.0");
        const string external = "https://packages.example.com/mirror";

        var response = await client.GetAsync($"/api/v4/projects/{projectId}/packages?per_page=1&order_by=name");
        var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"{external}/api/v4/projects/{projectId}/packages?order_by=name&page=2&per_page=1", response.Links()["next"]);
        var id = list[0].GetProperty("id").GetInt64();
        Assert.Equal($"{external}/api/v4/projects/{projectId}/packages/{id}",
            list[0].GetProperty("_links").GetProperty("delete_api_path").GetString());

        var files = await client.GetOkAsync($"/api/v4/projects/{projectId}/packages/generic/one/1.0.0");
        Assert.Equal($"{external}/api/v4/projects/{projectId}/packages/generic/one/1.0.0/file.txt",
            files[0].GetProperty("download_url").GetString());

        using var latest = await client.GetAsync($"/api/v4/projects/{projectId}/packages/generic/one/latest/file.txt");
        Assert.Equal($"{external}/api/v4/projects/{projectId}/packages/generic/one/1.0.0/file.txt",
            latest.Content.Headers.ContentLocation?.OriginalString);

        // Reached over https (the proxy ends TLS), so browsers are told to stay on https.
        using var page = await client.GetAsync("/users/sign_in");
        Assert.Equal("max-age=31536000", string.Join(' ', page.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Plain_http_public_url_sends_no_strict_transport_security()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:ExternalUrl"] = "http://packages.example.com/",
        });
        using var client = server.Client();
        using var page = await client.GetAsync("/users/sign_in");
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("packages.example.com")]
    [InlineData("ftp://packages.example.com/")]
    [InlineData("https://packages.example.com/mirror?a=b")]
    [InlineData("https://user:secret@packages.example.com/")]
    public async Task A_relative_or_non_http_external_url_stops_the_start(string value)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        // Options are validated before anything touches the database, so the suite's backend does not matter here.
        await using var app = RegistryApplication.Build(RegistryServer.Arguments(dataPath, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["Registry:ExternalUrl"] = value }));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Registry:ExternalUrl must be an absolute http or https URL without query, fragment or user", error.Message);
    }
}
