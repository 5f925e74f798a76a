using GraphQL;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>What deleting a batch of packages would do now (beyond GitLab), like the retention dry run.</summary>
[Name("PackagesDestroyPreview")]
[System.ComponentModel.Description("Exactly what `destroyPackages` with these ids would delete now: the packages with their files and bytes, and the packages a protection rule keeps.")]
public sealed class PackagesDestroyPreviewNode(PackageDestroyPlan plan)
{
    [System.ComponentModel.Description("The packages that would be deleted.")]
    public List<PackageNode> Packages => plan.Going.Select(p => new PackageNode(p)).ToList();
    [System.ComponentModel.Description("The packages a protection rule keeps from you: left alone and named in the mutation's errors.")]
    public List<PackageNode> ProtectedPackages => plan.Protected.Select(p => new PackageNode(p)).ToList();
    [System.ComponentModel.Description("How many files go with the deleted packages.")]
    public int FileCount => plan.FileCount;
    [System.ComponentModel.Description("Their bytes, as a string (GitLab's BigInt). Content other files share stays stored.")]
    public string Size => plan.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
