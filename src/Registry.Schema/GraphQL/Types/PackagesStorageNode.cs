using GraphQL;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Types;

/// <summary>What content-addressed storage saves (beyond GitLab).</summary>
[Name("PackagesStorageStatistics")]
[System.ComponentModel.Description("Package storage of the whole registry: identical bytes are stored once.")]
public sealed class PackagesStorageNode(StorageUsage usage)
{
    [System.ComponentModel.Description("Total size of all package files, in bytes.")]
    public double PackageFilesSize => usage.PackageFilesSize;
    [System.ComponentModel.Description("Bytes stored for them, each content once.")]
    public double StoredSize => usage.StoredSize;
    [System.ComponentModel.Description("Bytes saved by storing identical content once.")]
    public double SavedSize => usage.SavedSize;
    [System.ComponentModel.Description("Number of package files.")]
    public int PackageFilesCount => (int)Math.Min(int.MaxValue, usage.PackageFiles);
    [System.ComponentModel.Description("Number of stored blobs.")]
    public int StoredBlobsCount => (int)Math.Min(int.MaxValue, usage.StoredBlobs);
}
