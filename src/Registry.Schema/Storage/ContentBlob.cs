namespace Registry.Schema.Storage;

public enum ContentBlobState { Live = 0, Deleting = 1 }

/// <summary>
/// Stored content, keyed by its SHA-256: identical bytes are stored once and every package file holding them points
/// here (<c>PackageFile.ContentBlobId</c>). At most one <see cref="ContentBlobState.Live"/> row exists per digest.
/// <see cref="StorageKey"/> is where the bytes are (the key the first upload of them was written under, or a legacy
/// file's key); keys are unique and never reused, so a removal can never hit bytes written later.
/// <see cref="Version"/> changes whenever an upload or migration takes a reference, which is what lets
/// <see cref="ContentStore"/> remove a blob only when no file refers to it, safely against a racing upload of the same bytes.
/// </summary>
public sealed class ContentBlob
{
    public long Id { get; set; }
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    public required string StorageKey { get; set; }
    public ContentBlobState State { get; set; }
    public long Version { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When the removal began; a removal interrupted by a crash is finished by the next sweep.</summary>
    public DateTime? DeletingSince { get; set; }
}
