using Registry.Schema.GraphQL.Paging;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>
/// A connection encodes a cursor only when the query asks for it: a list of packages with their files mostly asks for
/// nodes alone, and a cursor for every file was a good part of what such a list allocated.
/// </summary>
public sealed class ConnectionTests
{
    private static PackageFileConnection Page(List<int> asked) =>
        Pager.Build<PackageFileNode, PackageFileEdge, PackageFileConnection>(
            Enumerable.Range(0, 3).Select(i => new PackageFileNode(new PackageFileRecord(i, 1, 1, "p", "1.0.0", $"f{i}", 1, "sha", null, null, 1,
                DateTime.UnixEpoch, DateTime.UnixEpoch))).ToList(),
            i => { asked.Add(i); return $"c{i}"; }, _ => Task.FromResult(3), hasPreviousPage: false, hasNextPage: true);

    [Fact]
    public void Nodes_and_page_flags_encode_no_cursor()
    {
        var asked = new List<int>();
        var page = Page(asked);
        Assert.Equal(["f0", "f1", "f2"], page.Nodes.Select(n => n.FileName));
        Assert.True(page.PageInfo.HasNextPage);
        Assert.False(page.PageInfo.HasPreviousPage);
        Assert.Empty(asked);
    }

    [Fact]
    public void Each_cursor_asked_for_is_encoded_once()
    {
        var asked = new List<int>();
        var page = Page(asked);
        Assert.Equal("c2", page.PageInfo.EndCursor);
        Assert.Equal([2], asked);
        Assert.Equal(["f0", "f1", "f2"], page.Edges.Select(e => e.Node.FileName));
        Assert.Equal([2], asked);
        Assert.Equal("c1", page.Edges[1].Cursor);
        Assert.Equal("c1", page.Edges[1].Cursor);
        Assert.Equal("c0", page.PageInfo.StartCursor);
        Assert.Equal([2, 1, 0], asked);
    }

    [Fact]
    public void An_empty_page_has_no_cursors()
    {
        var page = Pager.Build<PackageFileNode, PackageFileEdge, PackageFileConnection>([], _ => throw new InvalidOperationException(),
            _ => Task.FromResult(0), hasPreviousPage: false, hasNextPage: false);
        Assert.Null(page.PageInfo.StartCursor);
        Assert.Null(page.PageInfo.EndCursor);
        Assert.Empty(page.Edges);
    }
}
