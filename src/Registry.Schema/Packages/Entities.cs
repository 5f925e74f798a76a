namespace Registry.Schema.Packages;

public enum PackageStatus { Default = 0, Hidden = 1, Error = 2, Processing = 3, PendingDestruction = 4, Deprecated = 5 }

public enum PackageType { Generic = 0 }

public sealed class Package
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public Identity.Project Project { get; set; } = null!;
    public PackageType PackageType { get; set; }
    public required string Name { get; set; }
    public required string Version { get; set; }
    public PackageStatus Status { get; set; }
    /// <summary>Why the package is in the error state (GitLab's <c>status_message</c>); null otherwise.</summary>
    public string? StatusMessage { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastDownloadedAt { get; set; }
    public List<PackageFile> Files { get; set; } = [];
}

/// <summary>GitLab's package file statuses and values. <see cref="Error"/>: the stored bytes were found missing or
/// corrupt (<c>verify --repair</c>); the row stays for the record but is no longer served.</summary>
public enum PackageFileStatus { Default = 0, PendingDestruction = 1, Processing = 2, Error = 3 }

public sealed class PackageFile
{
    public long Id { get; set; }
    public long PackageId { get; set; }
    public Package Package { get; set; } = null!;
    /// <summary>The file name with its folder, if any: <c>path/to/file.txt</c>.</summary>
    public required string FileName { get; set; }
    public long Size { get; set; }
    public required string FileSha256 { get; set; }
    public string? FileMd5 { get; set; }
    public string? FileSha1 { get; set; }
    /// <summary>
    /// Where the bytes live in the blob store; never derived from user input. For a file with a
    /// <see cref="ContentBlobId"/> it is that content blob's storage key (a copy, so downloads need no join).
    /// </summary>
    public required string BlobKey { get; set; }
    /// <summary>
    /// The stored content this file points at (<see cref="Storage.ContentBlob"/>, keyed by SHA-256); null only for a
    /// file written before content-addressed storage and not yet migrated, whose blob is its own.
    /// </summary>
    public long? ContentBlobId { get; set; }
    public PackageFileStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Package settings of one namespace, with GitLab's names and defaults; the row exists only once somebody changed them.
/// Only the generic settings are enforced here (the registry holds generic packages only); the other formats' settings
/// are kept so that settings scripts written for GitLab work unchanged.
/// </summary>
public sealed class NamespacePackageSettings
{
    public long NamespaceId { get; set; }
    public bool GenericDuplicatesAllowed { get; set; } = true;
    public string? GenericDuplicateExceptionRegex { get; set; }
    public bool MavenDuplicatesAllowed { get; set; } = true;
    public string? MavenDuplicateExceptionRegex { get; set; } = "SNAPSHOT";
    public bool NugetDuplicatesAllowed { get; set; } = true;
    public string? NugetDuplicateExceptionRegex { get; set; }
    public bool NugetSymbolServerEnabled { get; set; }
    public bool TerraformModuleDuplicatesAllowed { get; set; }
    public string? TerraformModuleDuplicateExceptionRegex { get; set; }

    /// <summary>Null inherits from the groups above (GitLab's cascading setting).</summary>
    public bool? MavenPackageRequestsForwarding { get; set; }
    public bool? NpmPackageRequestsForwarding { get; set; }
    public bool? PypiPackageRequestsForwarding { get; set; }

    /// <summary>Locks the forwarding setting for every namespace below this one.</summary>
    public bool LockMavenPackageRequestsForwarding { get; set; }
    public bool LockNpmPackageRequestsForwarding { get; set; }
    public bool LockPypiPackageRequestsForwarding { get; set; }
}
