using GraphQL;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A package with what its files add up to, for the largest packages of a usage page (beyond GitLab).</summary>
[Name("PackageSize")]
[System.ComponentModel.Description("A package and the size of its files.")]
public sealed class PackageSizeNode(Package package, long size)
{
    [System.ComponentModel.Description("The package.")]
    public PackageNode Package => new(package);
    [System.ComponentModel.Description("Sizes of the package's files added up, in bytes.")]
    public double Size => size;
}
