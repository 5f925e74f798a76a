using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>
/// Package name, version and file-name rules (docs/api-contract.md, Generic packages, GitLab's generic_packages_spec). Refused coordinates
/// are sent over a raw socket exactly as written (<c>curl --path-as-is</c>), so <c>..</c> and <c>%2e</c> reach the server.
/// </summary>
public sealed class CoordinateValidationTests(ProjectFixture fixture) : IClassFixture<ProjectFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Generic => $"/api/v4/projects/{fixture.ProjectId}/packages/generic";

    [Theory]
    [InlineData("1.3.350-20201230123456")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3g")]
    [InlineData("1.2")]
    [InlineData("1.2.bananas")]
    [InlineData("v1.2.4-build")]
    [InlineData("d2d1a1d6d6f4bd9f4f5c1a36b0b8f0bb6c3c2a1e")]
    public async Task Accepted_versions_publish_and_download(string version)
    {
        var body = Encoding.UTF8.GetBytes("version " + version);
        var put = await RawHttp.PutAsync(Server.BaseAddress, $"{Generic}/versions/{version}/file.txt", RegistryServer.RootToken, body);
        Assert.True(put.StatusCode == HttpStatusCode.Created, put.Text);
        Assert.Equal("""{"message":"201 Created"}""", put.Text);

        using var client = Server.Client(RegistryServer.RootToken);
        var get = await client.GetAsync($"{Generic}/versions/{version}/file.txt");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        Assert.NotNull(await StoreSnapshot.FindPackageAsync(Server, fixture.ProjectId, "versions", version));
    }

    [Theory]
    [InlineData("..1.2.3", "package_version")]
    [InlineData("1.2.3-4/../../", null)]
    [InlineData("%2e%2e%2f1.2.3", "package_version")]
    [InlineData("1.2.3%2f..%2f..", "package_version")]
    [InlineData("1.2.%C3%A9", "package_version")] // ASCII only: GitLab's \w does not match é
    [InlineData("", "package_version")]
    public async Task Refused_versions_are_400_and_create_nothing(string version, string? param)
    {
        var target = $"{Generic}/refused-version/{version}/file.txt";
        await AssertRefusedAsync(target, param);
        Assert.Equal(HttpStatusCode.NotFound, (await RootGetAsync($"{Generic}/refused-version/1.2.3/file.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RootGetAsync($"{Generic}/refused-version/1.2.3-4/file.txt")).StatusCode);
    }

    [Theory]
    [InlineData("my+file.tar.gz")]
    [InlineData("my~file.tar.gz")]
    [InlineData("myfile@1.1.tar.gz")]
    public async Task Accepted_file_names_publish_and_download(string fileName)
    {
        var body = Encoding.UTF8.GetBytes("file " + fileName);
        using var client = Server.Client(RegistryServer.RootToken);
        var put = await client.PutAsync($"{Generic}/names/1.0.0/{fileName}?select=package_file", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(fileName, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("file_name").GetString());

        var get = await RawHttp.GetAsync(Server.BaseAddress, $"{Generic}/names/1.0.0/{fileName}", RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, get.Body);
        Assert.StartsWith($"attachment; filename=\"{fileName}\"", get.Header("Content-Disposition"));
    }

    [Theory]
    [InlineData("myfile1.1.tar.gz@", "file_name")]
    [InlineData("@myfile1.1.tar.gz", "file_name")]
    [InlineData("myfile.tar.gz~", "file_name")]
    [InlineData("~myfile.tar.gz", "file_name")]
    [InlineData("../.ssh%2fauthorized_keys", null)]
    [InlineData("%2e%2e%2f.ssh%2fauthorized_keys", "file_name")]
    [InlineData("..", "file_name")]
    [InlineData("%2e%2e", "file_name")]
    [InlineData("my%20file.txt", "file_name")]
    public async Task Refused_file_names_are_400_and_create_nothing(string fileName, string? param)
    {
        await AssertRefusedAsync($"{Generic}/refused-file/1.0.0/{fileName}", param);
        Assert.Equal(HttpStatusCode.NotFound, (await RootGetAsync($"{Generic}/refused-file/1.0.0/authorized_keys")).StatusCode);
    }

    [Theory]
    [InlineData("my-package/../", null)]
    [InlineData("my-package%2f%2e%2e%2f", "package_name")]
    [InlineData("%2e%2e", "package_name")]
    [InlineData("my%20package", "package_name")]
    public async Task Refused_package_names_are_400_and_create_nothing(string name, string? param)
    {
        await AssertRefusedAsync($"{Generic}/{name}/1.0.0/file.txt", param);
        Assert.Equal(HttpStatusCode.NotFound, (await RootGetAsync($"{Generic}/my-package/1.0.0/file.txt")).StatusCode);
    }

    [Fact]
    public async Task Refused_coordinates_are_400_even_for_a_project_path_id()
    {
        var target = $"/api/v4/projects/{Uri.EscapeDataString(ProjectFixture.ProjectPath)}/packages/generic/p/..1.2.3/file.txt";
        await AssertRefusedAsync(target, "package_version");
    }

    /// <summary>PUT and GET of the raw target are both 400 in GitLab's validation shape, and nothing was stored.</summary>
    [Theory]
    [InlineData("name%0A/1.0/f.txt", "package_name")]
    [InlineData("name/1.0%0A/f.txt", "package_version")]
    [InlineData("name/1.0/f.txt%0A", "file_name")]
    [InlineData("name/1.0/dir%0A/f.txt", "path")]
    [InlineData("name%0D%0A/1.0/f.txt", "package_name")]
    public async Task A_trailing_newline_in_a_coordinate_is_400_and_creates_nothing(string coordinates, string param)
    {
        // .NET's $ matches before a final newline; GitLab's \z does not.
        await AssertRefusedAsync($"{Generic}/{coordinates}", param);
    }

    private async Task AssertRefusedAsync(string target, string? param)
    {
        var before = await StoreSnapshot.TakeAsync(Server);
        var put = await RawHttp.PutAsync(Server.BaseAddress, target, RegistryServer.RootToken, Encoding.UTF8.GetBytes("evil"));
        AssertValidationError(put, param);
        var get = await RawHttp.GetAsync(Server.BaseAddress, target, RegistryServer.RootToken);
        AssertValidationError(get, param);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
    }

    private static void AssertValidationError(RawResponse response, string? param)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {response.Text}");
        var error = response.Json.GetProperty("error").GetString();
        if (param is null) Assert.Matches("^(package_name|package_version|path|file_name) is invalid$", error);
        else Assert.Equal($"{param} is invalid", error);
        Assert.Single(response.Json.EnumerateObject());
    }

    private async Task<HttpResponseMessage> RootGetAsync(string url)
    {
        using var client = Server.Client(RegistryServer.RootToken);
        return await client.GetAsync(url);
    }
}
