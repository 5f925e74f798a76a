using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// A group list over several projects is read a page per project and merged: every order, paged forwards and
/// backwards, must give exactly the order of the packages across all projects.
/// </summary>
public sealed class GroupPagingTests
{
    // Published in this order, so creation order (and id) is the index.
    private static readonly (string Project, string Name, string Version)[] Published =
    [
        ("p1", "b", "1.0"), ("p2", "a", "2.0"), ("p3", "c", "1.5"), ("p1", "a", "1.1"),
        ("p2", "c", "0.9"), ("p3", "b", "3.0"), ("p1", "c", "2.2"), ("p2", "B", "1.0"),
    ];

    private const string Query = """
        query($sort: PackageGroupSort, $first: Int, $after: String, $last: Int, $before: String) {
          group(fullPath: "gpage") { packages(sort: $sort, first: $first, after: $after, last: $last, before: $before) {
            nodes { name version project { fullPath } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
        }
        """;

    private static string Key(JsonElement node) =>
        $"{node.GetProperty("project").GetProperty("fullPath").GetString()![("gpage/".Length)..]}/{node.GetProperty("name").GetString()}/{node.GetProperty("version").GetString()}";

    private static List<string> Expected(string sort)
    {
        var rows = Published.Select((p, i) => (p, i)).ToList();
        IOrderedEnumerable<((string Project, string Name, string Version) p, int i)> ordered = sort switch
        {
            "CREATED_ASC" or "TYPE_ASC" => rows.OrderBy(r => r.i),
            "CREATED_DESC" or "TYPE_DESC" => rows.OrderByDescending(r => r.i),
            "NAME_ASC" => rows.OrderBy(r => r.p.Name, StringComparer.Ordinal).ThenBy(r => r.i),
            "NAME_DESC" => rows.OrderByDescending(r => r.p.Name, StringComparer.Ordinal).ThenByDescending(r => r.i),
            "VERSION_ASC" => rows.OrderBy(r => r.p.Version, StringComparer.Ordinal).ThenBy(r => r.i),
            _ => rows.OrderByDescending(r => r.p.Version, StringComparer.Ordinal).ThenByDescending(r => r.i),
        };
        return ordered.Select(r => $"{r.p.Project}/{r.p.Name}/{r.p.Version}").ToList();
    }

    [Fact]
    public async Task Every_order_pages_forwards_and_backwards_across_projects()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("gpage");
        foreach (var project in Published.Select(p => p.Project).Distinct()) await server.CreateProjectAsync("gpage", project);
        foreach (var (project, name, version) in Published) await server.PublishAsync($"gpage/{project}", name, version);

        foreach (var sort in new[] { "CREATED_ASC", "CREATED_DESC", "NAME_ASC", "NAME_DESC", "VERSION_ASC", "VERSION_DESC", "TYPE_ASC", "TYPE_DESC" })
        {
            var expected = Expected(sort);
            var forwards = new List<string>();
            string? after = null;
            for (var more = true; more;)
            {
                var page = (await server.GraphQLAsync(Query, new { sort, first = 3, after })).GetProperty("group").GetProperty("packages");
                forwards.AddRange(page.GetProperty("nodes").EnumerateArray().Select(Key));
                more = page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean();
                after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
            }
            Assert.True(expected.SequenceEqual(forwards), $"{sort} forwards: {string.Join(' ', forwards)}, expected {string.Join(' ', expected)}");

            var backwards = new List<string>();
            string? before = null;
            for (var more = true; more;)
            {
                var page = (await server.GraphQLAsync(Query, new { sort, last = 3, before })).GetProperty("group").GetProperty("packages");
                backwards.InsertRange(0, page.GetProperty("nodes").EnumerateArray().Select(Key));
                more = page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean();
                before = page.GetProperty("pageInfo").GetProperty("startCursor").GetString();
            }
            Assert.True(expected.SequenceEqual(backwards), $"{sort} backwards: {string.Join(' ', backwards)}, expected {string.Join(' ', expected)}");
        }
    }
}
