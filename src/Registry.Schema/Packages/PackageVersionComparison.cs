namespace Registry.Schema.Packages;

/// <summary>
/// Two versions of one package name side by side (<see cref="PackageComparer"/>): each file name with what a download
/// by name serves in each version, and who published what.
/// </summary>
public sealed record PackageVersionComparison(Package Base, Package Head, IReadOnlyList<PackageVersionComparison.FileName> Files,
    IReadOnlyList<string> BasePublishers, IReadOnlyList<string> HeadPublishers)
{
    /// <summary>One file name: its file in each version (null where the version has none) and how it changed.</summary>
    public sealed record FileName(string Name, PackageFileChange Change, Side? Base, Side? Head);

    /// <summary>The file a download by name serves in one version, and who published it (null when no record says).</summary>
    public sealed record Side(long Id, long Size, string Sha256, DateTime CreatedAt, string? PublishedBy);
}
