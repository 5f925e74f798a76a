using System.Net;
using System.Net.Http.Json;
using System.Text;
using Newtonsoft.Json.Linq;
using Registry.Tests.Infrastructure;
using Snapshooter;
using Snapshooter.Xunit;

namespace Registry.Tests.Contract;

/// <summary>
/// The JSON bodies scripts parse, field for field, as committed snapshots (<c>__snapshots__/</c>): any change to a
/// name, shape or constant value fails here. Ids and times vary per run and are left out of the comparison.
/// Snapshots are strict in every run (<see cref="StrictSnapshots"/>): after a deliberate change, move the file Snapshooter
/// writes under <c>__snapshots__/__mismatch__/</c> over the old snapshot and review the diff.
/// </summary>
public sealed class ResponseShapeSnapshotTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Varying =
        ["id", "package_id", "project_id", "created_at", "updated_at", "last_downloaded_at", "createdAt", "updatedAt", "lastDownloadedAt", "url", "web_path", "delete_api_path", "download_url", "downloadPath"];

    private RegistryServer Server => fixture.Server;

    private static void MatchJson(string json, SnapshotNameExtension name)
    {
        Snapshot.Match(JToken.Parse(json), name, options =>
        {
            foreach (var field in Varying) options.IgnoreAllFields(field);
            // GitLab's file_store: 1 for local files, 2 for object storage; the snapshot was taken on local files.
            if (TestBackend.IsPostgresS3) options.IgnoreAllFields("file_store");
            return options;
        });
    }

    /// <summary>The status GitLab answers with, then the body against its snapshot.</summary>
    private static async Task MatchResponseAsync(HttpResponseMessage response, HttpStatusCode status, string snapshot)
    {
        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{snapshot}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString()); // exactly: python-gitlab parses only that
        MatchJson(body, new SnapshotNameExtension(snapshot));
    }

    [Fact]
    public async Task Rest_bodies_keep_gitlabs_shapes()
    {
        await Server.CreateGroupAsync("shapes");
        var projectId = await Server.CreateProjectAsync("shapes", "app");
        using var root = Server.Client(RegistryServer.RootToken);
        using var anonymous = Server.Client();
        var url = Publishing.Url(projectId, "shape-pkg", "1.2.3", "dir/file.txt");

        await MatchResponseAsync(await root.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes("hello"))), HttpStatusCode.Created, "put-201");
        await MatchResponseAsync(await root.PutAsync(url + "?select=package_file", new ByteArrayContent(Encoding.UTF8.GetBytes("hello"))),
            HttpStatusCode.OK, "put-select-package-file");

        await MatchResponseAsync(await root.GetAsync($"/api/v4/projects/{projectId}/packages"), HttpStatusCode.OK, "packages-list");
        var packageId = JArray.Parse(await root.GetStringAsync($"/api/v4/projects/{projectId}/packages"))[0]["id"]!.Value<long>();
        await MatchResponseAsync(await root.GetAsync($"/api/v4/projects/{projectId}/packages/{packageId}/package_files"), HttpStatusCode.OK, "package-files-list");
        await MatchResponseAsync(await root.GetAsync($"/api/v4/projects/{projectId}/packages/generic/shape-pkg/1.2.3"), HttpStatusCode.OK, "version-listing");

        await MatchResponseAsync(await anonymous.GetAsync(url), HttpStatusCode.Unauthorized, "401");
        await MatchResponseAsync(await root.GetAsync(Publishing.Url(projectId, "missing", "1.0", "f")), HttpStatusCode.NotFound, "404-package");
        await MatchResponseAsync(await root.PutAsync(Publishing.Url(projectId, "p", "1.0", "f") + "?status=bogus", new ByteArrayContent([])),
            HttpStatusCode.BadRequest, "400-param");
    }

    [Fact]
    public async Task Graphql_package_details_keep_gitlabs_shapes()
    {
        await Server.CreateGroupAsync("gshapes");
        var projectId = await Server.CreateProjectAsync("gshapes", "app");
        using var root = Server.Client(RegistryServer.RootToken);
        var record = JObject.Parse(await (await root.PutAsync(Publishing.Url(projectId, "gpkg", "2.0.0", "a.bin") + "?select=package_file",
            new ByteArrayContent(Encoding.UTF8.GetBytes("payload")))).Content.ReadAsStringAsync());
        using var http = await root.PostAsJsonAsync("/api/graphql", new { query = $$"""
            { package(id: "gid://gitlab/Packages::Package/{{record["package_id"]}}") {
                id name version packageType status createdAt updatedAt lastDownloadedAt
                project { id fullPath name path visibility }
                packageFiles { count pageInfo { hasNextPage hasPreviousPage } nodes { id fileName size fileSha256 fileMd5 fileSha1 createdAt updatedAt downloadPath } } } }
            """ });
        var body = await http.Content.ReadAsStringAsync();
        Assert.True(http.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)http.StatusCode}: {body}");
        MatchJson(body, new SnapshotNameExtension("package-details"));
    }
}
