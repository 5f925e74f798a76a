using System.Text;
using GraphQL;

namespace Registry.Schema.GraphQL.Paging;

/// <remarks>The cursors are encoded only when a query asks for them (<see cref="Pager.Build{TNode, TEdge, TConnection}"/>).</remarks>
public sealed class PageInfo
{
    public bool HasNextPage { get; init; }
    public bool HasPreviousPage { get; init; }
    public string? StartCursor => Count > 0 ? CursorAt!(0) : null;
    public string? EndCursor => Count > 0 ? CursorAt!(Count - 1) : null;

    internal int Count { get; init; }
    internal Func<int, string>? CursorAt { get; init; }
}

public abstract class Edge<TNode>
{
    private string? _cursor;

    public string Cursor => _cursor ??= CursorAt!(Index);
    public TNode Node { get; init; } = default!;

    internal int Index { get; init; }
    internal Func<int, string>? CursorAt { get; init; }
}

/// <summary>
/// A Relay connection with GitLab's <c>count</c>, counted only when a query asks for it. Edges and cursors are made
/// only when asked for too: a list of packages with their files mostly asks for nodes alone, and would otherwise
/// encode a cursor for every file.
/// </summary>
public abstract class Connection<TNode, TEdge> where TEdge : Edge<TNode>, new()
{
    private List<TEdge>? _edges;

    public List<TNode> Nodes { get; init; } = [];
    public List<TEdge> Edges => _edges ??= CursorAt is { } cursorAt
        ? Nodes.Select((n, i) => new TEdge { Node = n, Index = i, CursorAt = cursorAt }).ToList()
        : [];
    public PageInfo PageInfo { get; init; } = new();
    [Ignore] public Func<CancellationToken, Task<int>> Counter { get; init; } = _ => Task.FromResult(0);

    /// <summary>The cursor of the page's i-th node.</summary>
    internal Func<int, string>? CursorAt { get; init; }

    public Task<int> Count(CancellationToken cancellationToken) => Counter(cancellationToken);
}

/// <summary>
/// Cursor paging (<c>first/after/last/before</c>) over a list held in memory (a package's files). Cursors are opaque
/// positions; pages hold at most <see cref="MaxPageSize"/> nodes, GitLab's limit. Package lists page on keysets
/// (<see cref="PackagePager"/>).
/// </summary>
public static class Pager
{
    public const int MaxPageSize = 100;

    public readonly record struct Window(int Start, int End, int Total)
    {
        public int Count => Math.Max(0, End - Start);
    }

    public static Window Slice(int total, int? first, string? after, int? last, string? before)
    {
        if (first < 0 || last < 0) throw new ExecutionError("first and last must not be negative");
        var start = after is null ? 0 : Decode(after) + 1;
        var end = before is null ? total : Decode(before);
        start = Math.Clamp(start, 0, total);
        end = Math.Clamp(end, start, total);
        if (first is { } f) end = Math.Min(end, start + Math.Min(f, MaxPageSize));
        if (last is { } l) start = Math.Max(start, end - Math.Min(l, MaxPageSize));
        if (first is null && last is null) end = Math.Min(end, start + MaxPageSize);
        return new Window(start, end, total);
    }

    public static TConnection PageInMemory<TNode, TEdge, TConnection>(IReadOnlyList<TNode> all,
        int? first, string? after, int? last, string? before)
        where TEdge : Edge<TNode>, new()
        where TConnection : Connection<TNode, TEdge>, new()
    {
        var window = Slice(all.Count, first, after, last, before);
        return Build<TNode, TEdge, TConnection>(all.Skip(window.Start).Take(window.Count).ToList(), window);
    }

    /// <summary>
    /// How many leading items (in list order) hold every position the page of these arguments can reach (one to spare);
    /// null when the page is counted from the end (<c>last</c> without <c>before</c>), which needs the whole list.
    /// </summary>
    public static int? LeadingNeeded(int? first, string? after, int? last, string? before)
    {
        Slice(0, first, after, last, before); // validates the arguments and cursors
        if (last is not null && before is null) return null;
        var start = after is null ? 0 : Decode(after) + 1;
        long end = first is { } f ? start + Math.Min(f, MaxPageSize) : last is null ? start + MaxPageSize : long.MaxValue;
        if (before is not null) end = Math.Min(end, Decode(before));
        return (int)Math.Min(int.MaxValue - 1, Math.Max(end, start)) + 1;
    }

    /// <summary>
    /// <see cref="PageInMemory"/> over the first items of a list of <paramref name="total"/>, read with
    /// <see cref="LeadingNeeded"/>: every position the page can reach is among them.
    /// </summary>
    public static TConnection PageOfLeading<TNode, TEdge, TConnection>(IReadOnlyList<TNode> leading, int total,
        int? first, string? after, int? last, string? before)
        where TEdge : Edge<TNode>, new()
        where TConnection : Connection<TNode, TEdge>, new()
    {
        var window = Slice(total, first, after, last, before);
        return Build<TNode, TEdge, TConnection>(leading.Skip(window.Start).Take(window.Count).ToList(), window);
    }

    /// <summary>
    /// The same offset cursors over a database query (project and group lists): one count, then only the page is read.
    /// </summary>
    public static async Task<TConnection> PageQueryAsync<TEntity, TNode, TEdge, TConnection>(IQueryable<TEntity> ordered,
        Func<TEntity, TNode> node, int? first, string? after, int? last, string? before, CancellationToken ct)
        where TEdge : Edge<TNode>, new()
        where TConnection : Connection<TNode, TEdge>, new()
    {
        var total = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(ordered, ct);
        var window = Slice(total, first, after, last, before);
        var rows = window.Count == 0 ? []
            : await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(ordered.Skip(window.Start).Take(window.Count), ct);
        return Build<TNode, TEdge, TConnection>(rows.Select(node).ToList(), window);
    }

    private static TConnection Build<TNode, TEdge, TConnection>(List<TNode> nodes, Window window)
        where TEdge : Edge<TNode>, new()
        where TConnection : Connection<TNode, TEdge>, new() =>
        Build<TNode, TEdge, TConnection>(nodes, i => Encode(window.Start + i), _ => Task.FromResult(window.Total),
            hasPreviousPage: window.Start > 0, hasNextPage: window.End < window.Total);

    /// <summary>A connection from a page of nodes and their cursors, however the page was found.</summary>
    /// <param name="cursorAt">the cursor of the page's i-th node, called only for the cursors a query asks for</param>
    public static TConnection Build<TNode, TEdge, TConnection>(List<TNode> nodes, Func<int, string> cursorAt, Func<CancellationToken, Task<int>> count,
        bool hasPreviousPage, bool hasNextPage)
        where TEdge : Edge<TNode>, new()
        where TConnection : Connection<TNode, TEdge>, new() =>
        new()
        {
            Nodes = nodes,
            CursorAt = cursorAt,
            Counter = count,
            PageInfo = new PageInfo
            {
                HasPreviousPage = hasPreviousPage,
                HasNextPage = hasNextPage,
                Count = nodes.Count,
                CursorAt = cursorAt,
            },
        };

    private static string Encode(int position) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\":{position}}}"));

    private static int Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            const string prefix = "{\"offset\":";
            if (text.StartsWith(prefix) && text.EndsWith('}') && int.TryParse(text[prefix.Length..^1], out var n) && n >= 0) return n;
        }
        catch (FormatException) { }
        throw new ExecutionError($"Invalid cursor: {cursor}");
    }
}
