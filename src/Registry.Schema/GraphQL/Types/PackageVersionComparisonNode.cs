using GraphQL;
using GraphQL.Types;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>Two versions of one package name compared by their files (beyond GitLab).</summary>
[Name("PackageVersionComparison")]
[System.ComponentModel.Description("Two versions of one package name compared by their files: added, removed or changed (by SHA-256), and who published them.")]
public sealed class PackageVersionComparisonNode(PackageVersionComparison comparison)
{
    [System.ComponentModel.Description("The version compared from.")]
    public PackageNode Base => new(comparison.Base);
    [System.ComponentModel.Description("The version compared to.")]
    public PackageNode Head => new(comparison.Head);
    [System.ComponentModel.Description("Who published the files of the base version (usernames or deploy token names), first publisher first.")]
    public List<string> BasePublishers => [.. comparison.BasePublishers];
    [System.ComponentModel.Description("Who published the files of the head version, first publisher first.")]
    public List<string> HeadPublishers => [.. comparison.HeadPublishers];
    [System.ComponentModel.Description("Every file name of either version, by name. Of several files of one name, the one a download by name serves stands for it.")]
    public List<PackageFileDifferenceNode> Files => comparison.Files.Select(f => new PackageFileDifferenceNode(f)).ToList();
}

[Name("PackageFileDifference")]
public sealed class PackageFileDifferenceNode(PackageVersionComparison.FileName file)
{
    public string FileName => file.Name;
    public PackageFileChange Change => file.Change;
    [System.ComponentModel.Description("The file in the base version; null when it has none of this name.")]
    public PackageFileVersionNode? Base => file.Base is { } side ? new(side) : null;
    [System.ComponentModel.Description("The file in the head version; null when it has none of this name.")]
    public PackageFileVersionNode? Head => file.Head is { } side ? new(side) : null;
}

[Name("PackageFileVersion")]
public sealed class PackageFileVersionNode(PackageVersionComparison.Side side)
{
    [OutputType(typeof(NonNullGraphType<PackagesPackageFileIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.PackageFile, side.Id);
    [System.ComponentModel.Description("Size in bytes, as a string (GitLab's BigInt).")]
    public string Size => side.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string FileSha256 => side.Sha256;
    public DateTime CreatedAt => PackageNode.Utc(side.CreatedAt);
    [System.ComponentModel.Description("Who published the file (a username or a deploy token's name); null when no record says.")]
    public string? PublishedBy => side.PublishedBy;
}
