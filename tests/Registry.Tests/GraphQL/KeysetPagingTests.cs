using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// Package-list cursors are keyset positions: publishing or deleting packages between two pages neither repeats nor
/// skips a row (offset cursors would shift by one per package published ahead of the page).
/// </summary>
public sealed class KeysetPagingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<(string[] Names, string? EndCursor, string? StartCursor)> PageAsync(string project, string args)
    {
        var data = await Server.GraphQLAsync($$"""{ project(fullPath: "{{project}}") { packages({{args}}) { nodes { name } pageInfo { startCursor endCursor } } } }""");
        var packages = data.GetProperty("project").GetProperty("packages");
        var info = packages.GetProperty("pageInfo");
        return (packages.GetProperty("nodes").Strings("name"), info.GetProperty("endCursor").GetString(), info.GetProperty("startCursor").GetString());
    }

    [Fact]
    public async Task Publishing_between_pages_neither_repeats_nor_skips_packages()
    {
        await Server.CreateGroupAsync("keyset");
        await Server.CreateProjectAsync("keyset", "app");
        foreach (var name in new[] { "a1", "a2", "a3", "a4" }) await Server.PublishAsync("keyset/app", name, "1.0", "f.txt");

        // Newest first (the default order): a4 a3 | a2 a1.
        var first = await PageAsync("keyset/app", "first: 2");
        Assert.Equal(["a4", "a3"], first.Names);
        await Server.PublishAsync("keyset/app", "a5", "1.0", "f.txt"); // lands before the first page
        var second = await PageAsync("keyset/app", $"first: 2, after: {JsonSerializer.Serialize(first.EndCursor)}");
        Assert.Equal(["a2", "a1"], second.Names);

        // By name: b c | d; a name sorting before the page, published meanwhile, does not shift it.
        foreach (var name in new[] { "c", "d", "e" }) await Server.PublishAsync("keyset/app", name, "1.0", "f.txt");
        var byName = await PageAsync("keyset/app", "first: 2, sort: NAME_DESC");
        Assert.Equal(["e", "d"], byName.Names);
        await Server.PublishAsync("keyset/app", "f", "1.0", "f.txt");
        var next = await PageAsync("keyset/app", $"first: 2, sort: NAME_DESC, after: {JsonSerializer.Serialize(byName.EndCursor)}");
        Assert.Equal(["c", "a5"], next.Names);

        // Backwards from there: the two before "c" are d and e again (f came later, it sorts above them).
        var back = await PageAsync("keyset/app", $"last: 2, sort: NAME_DESC, before: {JsonSerializer.Serialize(next.StartCursor)}");
        Assert.Equal(["e", "d"], back.Names);
    }
}
