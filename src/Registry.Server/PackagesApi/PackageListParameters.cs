using Registry.Schema.Packages;

namespace Registry.Server.PackagesApi;

/// <summary>
/// The package-list parameters of GitLab's project and group endpoints, turned into the terms of
/// <see cref="PackageQueries"/> (the same filter and orders GraphQL uses).
/// </summary>
public sealed record PackageListParameters(PackageFilter Filter, PackageOrder Order, bool Descending, bool OtherPackageType, bool IncludeSubgroups)
{
    private static readonly Dictionary<string, PackageOrder> ProjectOrders = new()
    {
        ["created_at"] = PackageOrder.CreatedAt,
        ["name"] = PackageOrder.Name,
        ["version"] = PackageOrder.Version,
        ["type"] = PackageOrder.Type,
    };

    private static readonly Dictionary<string, PackageOrder> GroupOrders =
        new(ProjectOrders) { ["project_path"] = PackageOrder.ProjectPath };

    /// <summary>GitLab's package types; any but <c>generic</c> is valid and simply matches nothing here.</summary>
    private static readonly Dictionary<string, PackageType?> Types = new[]
    {
        "maven", "npm", "conan", "nuget", "pypi", "composer", "generic", "golang", "debian", "rubygems", "helm",
        "terraform_module", "rpm", "ml_model", "cargo",
    }.ToDictionary(t => t, t => t == "generic" ? (PackageType?)PackageType.Generic : null);

    private static readonly Dictionary<string, PackageStatus?> Statuses =
        Enum.GetValues<PackageStatus>().ToDictionary(PackageJson.StatusName, s => (PackageStatus?)s);

    /// <summary>Parsed before the caller is authorized, as GitLab validates list parameters first.</summary>
    public static ValueTask<PackageListParameters?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<PackageListParameters?>(Parse(http.Request.Query, forGroup: http.Request.Path.StartsWithSegments("/api/v4/groups")));

    public static PackageListParameters Parse(IQueryCollection query, bool forGroup)
    {
        var order = QueryParameters.OneOf(query, "order_by", PackageOrder.CreatedAt, forGroup ? GroupOrders : ProjectOrders);
        var descending = QueryParameters.OneOf(query, "sort", false, QueryParameters.Sort);
        var typeGiven = QueryParameters.Value(query, "package_type") is not null;
        var type = QueryParameters.OneOf(query, "package_type", null, Types);
        var status = QueryParameters.OneOf(query, "status", null, Statuses);
        // Every generic package has a version, so include_versionless changes nothing; it is still validated.
        QueryParameters.Boolean(query, "include_versionless", false);
        var filter = new PackageFilter(QueryParameters.Value(query, "package_name"), type,
            QueryParameters.Value(query, "package_version"), status);
        var includeSubgroups = !forGroup || !QueryParameters.Boolean(query, "exclude_subgroups", false);
        return new PackageListParameters(filter, order, descending, typeGiven && type is null, includeSubgroups);
    }

    /// <summary>The list's size: its counters, or nothing at all for another package type.</summary>
    public Func<CancellationToken, Task<int>> Count(PackageList list) => OtherPackageType ? _ => Task.FromResult(0) : list.CountAsync;

    /// <summary>One offset page of the list in the requested order (<see cref="OffsetPageReader"/> seeks deep pages).</summary>
    public Task<List<Package>> PageAsync(OffsetPageReader reader, PackageList list, IQueryable<Package> filtered, OffsetPagination paging,
        HttpContext http, CancellationToken ct) =>
        paging.ApplyAsync(http, (skip, take, c) => OtherPackageType
            ? Task.FromResult(new List<Package>())
            : reader.ReadAsync(filtered, list.Identity, Order, Descending, skip, take, c), Count(list), ct);
}
