using System.Text;
using System.Text.Json;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Paging;

/// <summary>
/// Cursor paging of package lists on keyset positions (GitLab's cursors are keysets too): <c>first/after</c> reads
/// forwards, <c>last/before</c> backwards, at most <see cref="Pager.MaxPageSize"/> rows, one extra row telling whether
/// more follow. <c>count</c> is the whole filtered list, counted only when asked for (<see cref="PackageList.CountAsync"/>).
/// </summary>
public static class PackagePager
{
    public static async Task<PackageConnection> PageAsync(PackageList list, PackageOrder order, bool descending,
        int? first, string? after, int? last, string? before, CancellationToken ct)
    {
        if (first < 0 || last < 0) throw new ExecutionError("first and last must not be negative");
        var backwards = last is not null && first is null;
        var size = Math.Min(first ?? last ?? Pager.MaxPageSize, Pager.MaxPageSize);
        var readDescending = backwards ? !descending : descending;
        IQueryable<Package> Page(IQueryable<Package> query)
        {
            if (order == PackageOrder.ProjectPath) query = query.Include(p => p.Project);
            if (after is not null) query = PackageKeyset.After(query, order, descending, Decode(after));
            if (before is not null) query = PackageKeyset.Before(query, order, descending, Decode(before));
            return PackageQueries.Order(query, order, readDescending).Take(size + 1);
        }

        List<Package> rows;
        if (list.PerProject is { Count: > 1 and <= PackageQueries.MaxProjectsMerged } parts && order != PackageOrder.ProjectPath)
        {
            // Several projects: neither SQLite nor PostgreSQL reads "project IN (...) ORDER BY ... LIMIT" off the
            // (project, order) index; they sort every package of every project. A page from each project, merged, is
            // the same page.
            rows = [];
            foreach (var part in parts) rows.AddRange(await Page(part).ToListAsync(ct));
            rows = PackageQueries.OrderInMemory(rows, order, readDescending).Take(size + 1).ToList();
        }
        else
        {
            rows = await Page(list.Query).ToListAsync(ct);
        }
        var more = rows.Count > size;
        rows = rows.Take(size).ToList();
        if (backwards) rows.Reverse();
        else if (last is { } l && rows.Count > l) rows = rows.Skip(rows.Count - l).ToList();

        return Pager.Build<PackageNode, PackageEdge, PackageConnection>(
            rows.Select(p => new PackageNode(p)).ToList(),
            i => Encode(PackageKeyset.PositionOf(rows[i], order)),
            list.CountAsync,
            hasPreviousPage: backwards ? more : after is not null,
            hasNextPage: backwards ? before is not null : more);
    }

    private static string Encode(PackagePosition position) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { key = position.Key, id = position.Id }));

    private static PackagePosition Decode(string cursor)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)));
            return new PackagePosition(doc.RootElement.GetProperty("key").GetString()!, doc.RootElement.GetProperty("id").GetInt64());
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            throw new ExecutionError($"Invalid cursor: {cursor}");
        }
    }
}
