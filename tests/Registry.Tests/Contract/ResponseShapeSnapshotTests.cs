using System.Text;
using Newtonsoft.Json.Linq;
using Registry.Tests.Infrastructure;
using Snapshooter;
using Snapshooter.Xunit;

namespace Registry.Tests.Contract;

/// <summary>
/// The JSON bodies scripts parse, field for field, as committed snapshots (<c>__snapshots__/</c>): any change to a
/// name, shape or constant value fails here. Ids and times vary per run and are left out of the comparison.
/// Regenerate after a deliberate change by deleting the snapshot and running once without SNAPSHOOTER_STRICT_MODE.
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

    [Fact]
    public async Task Rest_bodies_keep_gitlabs_shapes()
    {
        await Server.CreateGroupAsync("shapes");
        var projectId = await Server.CreateProjectAsync("shapes", "app");
        using var root = Server.Client(RegistryServer.RootToken);
        using var anonymous = Server.Client();
        var url = RegistryServer.GenericUrl(projectId, "shape-pkg", "1.2.3", "dir/file.txt");

        var created = await root.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes("hello")));
        MatchJson(await created.Content.ReadAsStringAsync(), new SnapshotNameExtension("put-201"));
        var selected = await root.PutAsync(url + "?select=package_file", new ByteArrayContent(Encoding.UTF8.GetBytes("hello")));
        MatchJson(await selected.Content.ReadAsStringAsync(), new SnapshotNameExtension("put-select-package-file"));

        MatchJson(await root.GetStringAsync($"/api/v4/projects/{projectId}/packages"), new SnapshotNameExtension("packages-list"));
        var packageId = JArray.Parse(await root.GetStringAsync($"/api/v4/projects/{projectId}/packages"))[0]["id"]!.Value<long>();
        MatchJson(await root.GetStringAsync($"/api/v4/projects/{projectId}/packages/{packageId}/package_files"), new SnapshotNameExtension("package-files-list"));
        MatchJson(await root.GetStringAsync($"/api/v4/projects/{projectId}/packages/generic/shape-pkg/1.2.3"), new SnapshotNameExtension("version-listing"));

        MatchJson(await (await anonymous.GetAsync(url)).Content.ReadAsStringAsync(), new SnapshotNameExtension("401"));
        MatchJson(await (await root.GetAsync(RegistryServer.GenericUrl(projectId, "missing", "1.0", "f"))).Content.ReadAsStringAsync(), new SnapshotNameExtension("404-package"));
        MatchJson(await (await root.PutAsync(RegistryServer.GenericUrl(projectId, "p", "1.0", "f") + "?status=bogus", new ByteArrayContent([]))).Content.ReadAsStringAsync(), new SnapshotNameExtension("400-param"));
    }

    [Fact]
    public async Task Graphql_package_details_keep_gitlabs_shapes()
    {
        await Server.CreateGroupAsync("gshapes");
        var projectId = await Server.CreateProjectAsync("gshapes", "app");
        using var root = Server.Client(RegistryServer.RootToken);
        var record = JObject.Parse(await (await root.PutAsync(RegistryServer.GenericUrl(projectId, "gpkg", "2.0.0", "a.bin") + "?select=package_file",
            new ByteArrayContent(Encoding.UTF8.GetBytes("payload")))).Content.ReadAsStringAsync());
        var response = await Server.GraphQLRawAsync($$"""
            { package(id: "gid://gitlab/Packages::Package/{{record["package_id"]}}") {
                id name version packageType status createdAt updatedAt lastDownloadedAt
                project { id fullPath name path visibility }
                packageFiles { count pageInfo { hasNextPage hasPreviousPage } nodes { id fileName size fileSha256 fileMd5 fileSha1 createdAt updatedAt downloadPath } } } }
            """);
        MatchJson(response.GetRawText(), new SnapshotNameExtension("package-details"));
    }
}
