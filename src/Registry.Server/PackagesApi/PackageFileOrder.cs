using Microsoft.EntityFrameworkCore;
using Registry.Schema.Packages;

namespace Registry.Server.PackagesApi;

/// <summary>The <c>order_by</c> and <c>sort</c> of GitLab's <c>package_files</c> list.</summary>
public sealed record PackageFileOrder(PackageFileOrder.Key By, bool Descending)
{
    public enum Key { Id, CreatedAt, FileName }

    private static readonly Dictionary<string, Key> Keys = new()
    {
        ["id"] = Key.Id,
        ["created_at"] = Key.CreatedAt,
        ["file_name"] = Key.FileName,
    };

    /// <summary>Parsed before the caller is authorized, as GitLab validates list parameters first.</summary>
    public static ValueTask<PackageFileOrder?> BindAsync(HttpContext http)
    {
        var query = http.Request.Query;
        return ValueTask.FromResult<PackageFileOrder?>(new PackageFileOrder(QueryParameters.OneOf(query, "order_by", Key.Id, Keys),
            QueryParameters.OneOf(query, "sort", false, QueryParameters.Sort)));
    }

    /// <summary>The list's order in SQL, so a page of a version with thousands of files reads that page alone.</summary>
    public IQueryable<PackageFile> Sort(IQueryable<PackageFile> files, string ordinalCollation) => (By, Descending) switch
    {
        (Key.CreatedAt, false) => files.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id),
        (Key.CreatedAt, true) => files.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id),
        (Key.FileName, false) => files.OrderBy(f => EF.Functions.Collate(f.FileName, ordinalCollation)).ThenBy(f => f.Id),
        (Key.FileName, true) => files.OrderByDescending(f => EF.Functions.Collate(f.FileName, ordinalCollation)).ThenByDescending(f => f.Id),
        (_, false) => files.OrderBy(f => f.Id),
        (_, true) => files.OrderByDescending(f => f.Id),
    };
}
