using Registry.Schema.Packages;

namespace Registry.Schema.Uploads;

public enum ResumableUploadState { Active = 0, Completed = 1 }

/// <summary>
/// A tus upload (issue 25): the file it will publish, who may write to it, how far it got and where its bytes wait.
/// Any instance continues it: everything an append needs is here (<see cref="StorageState"/> holds the S3 multipart
/// upload's id and parts). A PATCH holds <see cref="LockedUntil"/>/<see cref="LockedBy"/> while it writes, so two
/// appends never interleave, and renews it while it reads.
/// </summary>
public sealed class ResumableUpload
{
    /// <summary>32 random hex characters: the upload URL's last segment, unguessable.</summary>
    public required string Id { get; set; }
    public long ProjectId { get; set; }

    /// <summary>Who created it: <c>token:&lt;sha256 of the token&gt;</c> or <c>session:&lt;id&gt;</c>; nobody else sees it.</summary>
    public required string Owner { get; set; }

    public required string PackageName { get; set; }
    public required string PackageVersion { get; set; }
    public required string FileName { get; set; }
    public PackageStatus? PackageStatus { get; set; }

    /// <summary>The SHA-256 (hex) declared in <c>Upload-Metadata</c>; the file is refused when the bytes differ.</summary>
    public string? Sha256 { get; set; }

    public long Length { get; set; }
    public long Offset { get; set; }
    public ResumableUploadState State { get; set; }

    /// <summary>The blob key the assembled bytes get (chosen up front: an S3 multipart upload names its object when it starts).</summary>
    public required string BlobKey { get; set; }

    /// <summary>The store's own state of the partial bytes (S3: upload id, parts, staged bytes); null on the file system.</summary>
    public string? StorageState { get; set; }

    /// <summary>The bytes are all in place under <see cref="BlobKey"/>; only publishing is left (a crash between the two).</summary>
    public bool Assembled { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LockedBy { get; set; }

    /// <summary>The package file it became, once complete.</summary>
    public long? PackageFileId { get; set; }
    public long? PackageId { get; set; }
}
