using System.Globalization;
using System.Text;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;
using Registry.Schema.GraphQL.Types;

namespace Registry.Schema.GraphQL.Paging;

/// <summary>Cursor paging of audit events, newest first, on the event id (a keyset: events only ever get added).</summary>
public static class AuditEventPager
{
    public static async Task<AuditEventConnection> PageAsync(IQueryable<AuditEvent> events, int? first, string? after, int? last, string? before,
        CancellationToken ct) => await PageAsync(events, null, null, first, after, last, before, ct);

    /// <summary>Pages the events of one action (<paramref name="eventName"/>) and one author (<paramref name="authorName"/>), each when given.</summary>
    public static async Task<AuditEventConnection> PageAsync(IQueryable<AuditEvent> events, string? eventName, string? authorName,
        int? first, string? after, int? last, string? before, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(eventName)) events = events.Where(e => e.EventName == eventName);
        if (!string.IsNullOrEmpty(authorName)) events = events.Where(e => e.AuthorName == authorName);
        if (first < 0 || last < 0) throw new ExecutionError("first and last must not be negative");
        var query = events;
        if (after is not null) { var a = Decode(after); query = query.Where(e => e.Id < a); }
        if (before is not null) { var b = Decode(before); query = query.Where(e => e.Id > b); }
        var backwards = last is not null && first is null;
        var size = Math.Min(first ?? last ?? Pager.MaxPageSize, Pager.MaxPageSize);
        var rows = await (backwards ? query.OrderBy(e => e.Id) : query.OrderByDescending(e => e.Id)).Take(size + 1).ToListAsync(ct);
        var more = rows.Count > size;
        rows = rows.Take(size).ToList();
        if (backwards) rows.Reverse();
        return Pager.Build<AuditEventNode, AuditEventEdge, AuditEventConnection>(
            rows.Select(e => new AuditEventNode(e)).ToList(), i => Encode(rows[i].Id), events.CountAsync,
            hasPreviousPage: backwards ? more : after is not null, hasNextPage: backwards ? before is not null : more);
    }

    private static string Encode(long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes("audit:" + id.ToString(CultureInfo.InvariantCulture)));

    private static long Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("audit:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return id;
        }
        catch (FormatException) { }
        throw new ExecutionError($"Invalid cursor: {cursor}");
    }
}
