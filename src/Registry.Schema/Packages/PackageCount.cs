namespace Registry.Schema.Packages;

/// <summary>
/// How many packages of one name and status a project holds, kept exact by database triggers on the packages table
/// (every insert, delete and change of project, name or status, whatever wrote it). A list's count then sums a few
/// rows per package name instead of counting every package: 100,000 packages in 500 names are 500 rows.
/// </summary>
public sealed class PackageCount
{
    public long ProjectId { get; set; }
    public required string Name { get; set; }
    public PackageStatus Status { get; set; }
    public long Count { get; set; }
}
