using Microsoft.EntityFrameworkCore;
using Registry.Server.Hosting;
using Registry.Server.Middleware;

namespace Registry.Server.PackagesApi;

/// <summary>
/// GitLab's offset pagination (<c>page</c>, <c>per_page</c>): the <c>X-*</c> headers and an RFC 8288 <c>Link</c>
/// header built as GitLab's <c>OffsetHeaderBuilder</c> builds it (prev, next, first, last; absolute URLs with the
/// request's other query parameters, keys sorted).
/// </summary>
public sealed record OffsetPagination(int Page, int PerPage)
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;

    public static ValueTask<OffsetPagination?> BindAsync(HttpContext http) => ValueTask.FromResult<OffsetPagination?>(Parse(http.Request.Query));

    public static OffsetPagination Parse(IQueryCollection query) => new(
        QueryParameters.Integer(query, "page", 1, 1, int.MaxValue),
        QueryParameters.Integer(query, "per_page", DefaultPerPage, 1, MaxPerPage));

    private int Skip => (int)Math.Min(int.MaxValue, (long)(Page - 1) * PerPage);

    /// <param name="count">counts the list when counting its rows would be slow (package lists keep counters)</param>
    public async Task<List<T>> ApplyAsync<T>(HttpContext http, IQueryable<T> ordered, CancellationToken ct,
        Func<CancellationToken, Task<int>>? count = null)
    {
        var total = count is null ? await ordered.CountAsync(ct) : await count(ct);
        WriteHeaders(http, total);
        return Skip >= total ? [] : await ordered.Skip(Skip).Take(PerPage).ToListAsync(ct);
    }

    /// <summary>A page read by <paramref name="readPage"/> (skip, take) from a list that <paramref name="count"/> counts.</summary>
    public async Task<List<T>> ApplyAsync<T>(HttpContext http, Func<int, int, CancellationToken, Task<List<T>>> readPage,
        Func<CancellationToken, Task<int>> count, CancellationToken ct)
    {
        var total = await count(ct);
        WriteHeaders(http, total);
        return Skip >= total ? [] : await readPage(Skip, PerPage, ct);
    }

    public List<T> Apply<T>(HttpContext http, IReadOnlyList<T> all)
    {
        WriteHeaders(http, all.Count);
        return all.Skip(Skip).Take(PerPage).ToList();
    }

    private void WriteHeaders(HttpContext http, int total)
    {
        // GitLab reports at least one page, so an empty list still has a "last" link to page 1.
        var totalPages = Math.Max(1, (int)Math.Ceiling(total / (double)PerPage));
        int? next = Page < totalPages ? Page + 1 : null;
        int? prev = Page > 1 && Page <= totalPages ? Page - 1 : null;

        var headers = http.Response.Headers;
        headers["X-Total"] = total.ToString();
        headers["X-Total-Pages"] = totalPages.ToString();
        headers["X-Per-Page"] = PerPage.ToString();
        headers["X-Page"] = Page.ToString();
        headers["X-Next-Page"] = next?.ToString() ?? "";
        headers["X-Prev-Page"] = prev?.ToString() ?? "";

        var links = new List<string>();
        if (prev is { } p) links.Add($"<{PageUrl(http, p)}>; rel=\"prev\"");
        if (next is { } n) links.Add($"<{PageUrl(http, n)}>; rel=\"next\"");
        links.Add($"<{PageUrl(http, 1)}>; rel=\"first\"");
        links.Add($"<{PageUrl(http, totalPages)}>; rel=\"last\"");
        headers.Link = string.Join(", ", links);
    }

    private string PageUrl(HttpContext http, int page)
    {
        var request = http.Request;
        var parameters = request.Query
            .Where(kv => kv.Key is not ("page" or "per_page"))
            .Select(kv => (kv.Key, Value: kv.Value.Count > 0 ? kv.Value[^1] ?? "" : ""))
            .Append(("page", page.ToString()))
            .Append(("per_page", PerPage.ToString()))
            .Select(kv => $"{Uri.EscapeDataString(kv.Item1)}={Uri.EscapeDataString(kv.Item2)}")
            .Order(StringComparer.Ordinal);
        return $"{PublicUrl.Root(request)}{RawApiPathMiddleware.RawPath(http)}?{string.Join('&', parameters)}";
    }
}
