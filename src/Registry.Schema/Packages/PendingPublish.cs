namespace Registry.Schema.Packages;

/// <summary>
/// A complete, durable blob waiting to be recorded as a package file by the <see cref="PublishBatcher"/>.
/// </summary>
/// <param name="BlobKey">where the bytes are stored; null when they were stored already (a small upload of known content)</param>
/// <param name="IpAddress">the client's address, for the audit event (the batch records it outside the request)</param>
public sealed record PendingPublish(PublishCommand Command, ContentDigests Digests, string? BlobKey, string? IpAddress)
{
    /// <summary>The bytes of a small upload, kept in the database under <see cref="BlobKey"/> (a
    /// <see cref="Storage.DatabaseBodyStore"/> key) if the batch's claim adopts them; null for bytes stored already.</summary>
    public byte[]? Body { get; init; }

    internal TaskCompletionSource<PublishRecording> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What recording a blob came to: the result, and whether the blob's own bytes are now referenced.</summary>
public sealed record PublishRecording(PublishResult Result, bool OwnBytesKept);
