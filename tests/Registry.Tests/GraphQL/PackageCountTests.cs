using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// List counts come from per-name counters the database keeps with triggers, not from counting rows: after every kind
/// of change they must still equal the packages the same list returns.
/// </summary>
public sealed class PackageCountTests
{
    private const string Query = """
        query($p: ID!, $g: ID!, $name: String, $version: String, $status: PackageStatus) {
          project(fullPath: $p) { packages(packageName: $name, packageVersion: $version, status: $status, first: 100) { count nodes { id } } }
          group(fullPath: $g) { packages(packageName: $name, packageVersion: $version, status: $status, first: 100) { count nodes { id } } }
        }
        """;

    private static async Task AssertCountsMatchListsAsync(RegistryServer server, string step)
    {
        using var client = server.Client(RegistryServer.RootToken);
        object?[][] filters = [[null, null, null], ["lib", null, null], ["LI", null, null], ["x", null, null],
            [null, null, "HIDDEN"], [null, "1.0", null], ["lib", "1.0", null], [null, null, "DEFAULT"]];
        foreach (var f in filters)
        {
            var data = await server.GraphQLAsync(Query, new { p = "counts/a", g = "counts", name = f[0], version = f[1], status = f[2] });
            foreach (var scope in new[] { "project", "group" })
            {
                var connection = data.GetProperty(scope).GetProperty("packages");
                Assert.True(connection.GetProperty("nodes").GetArrayLength() == connection.GetProperty("count").GetInt32(),
                    $"{step}: {scope} list (name {f[0]}, version {f[1]}, status {f[2]}) has {connection.GetProperty("nodes").GetArrayLength()} packages but count {connection.GetProperty("count").GetInt32()}");
            }
            var query = $"per_page=100&package_name={f[0]}&package_version={f[1]}" + (f[2] is string s ? "&status=" + s.ToLowerInvariant() : "");
            foreach (var path in new[] { "projects/counts%2Fa", "groups/counts" })
            {
                var (response, body) = await client.GetJsonAsync($"/api/v4/{path}/packages?{query}");
                using (response)
                {
                    Assert.True(response.Header("X-Total") == body.GetArrayLength().ToString(),
                        $"{step}: REST {path} ?{query} lists {body.GetArrayLength()} packages but X-Total is {response.Header("X-Total")}");
                }
            }
        }
    }

    [Fact]
    public async Task Counts_equal_the_listed_packages_after_publishing_hiding_unhiding_and_destroying()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("counts");
        await server.CreateProjectAsync("counts", "a");
        await server.CreateProjectAsync("counts", "b");
        await server.PublishAsync("counts/a", "lib", "1.0");
        await server.PublishAsync("counts/a", "lib", "1.0", file: "second.bin");
        await server.PublishAsync("counts/a", "lib", "1.1");
        await server.PublishAsync("counts/a", "Lib-extra", "1.0");
        await server.PublishAsync("counts/a", "tool", "1.0", status: "hidden");
        await server.PublishAsync("counts/b", "lib", "1.0");
        await server.PublishAsync("counts/b", "other", "3.0");
        await AssertCountsMatchListsAsync(server, "published");
        var project = await server.GraphQLAsync(Query, new { p = "counts/a", g = "counts" });
        Assert.Equal(3, project.GetProperty("project").GetProperty("packages").GetProperty("count").GetInt32());
        Assert.Equal(5, project.GetProperty("group").GetProperty("packages").GetProperty("count").GetInt32());

        // Hidden to default and back by uploading with a status.
        await server.PublishAsync("counts/a", "tool", "1.0", file: "again.bin", status: "default");
        await server.PublishAsync("counts/a", "lib", "1.1", file: "again.bin", status: "hidden");
        await AssertCountsMatchListsAsync(server, "statuses changed");

        var doomed = await server.PackageGidAsync("counts/a", "lib");
        Assert.Empty((await server.MutateAsync("destroyPackage", new { id = doomed })).Errors());
        await AssertCountsMatchListsAsync(server, "destroyed");
        var after = await server.GraphQLAsync(Query, new { p = "counts/a", g = "counts" });
        Assert.Equal(2, after.GetProperty("project").GetProperty("packages").GetProperty("count").GetInt32());
    }
}
