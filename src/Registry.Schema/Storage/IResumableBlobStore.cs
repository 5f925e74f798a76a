namespace Registry.Schema.Storage;

/// <summary>
/// Where the bytes of a resumable (tus) upload wait until the last one arrives. Appends are durable when
/// <see cref="IResumableWriter.SaveAsync"/> returns; what was written after the last save (a checksum that failed, a
/// crash) is dropped by the next <see cref="OpenAsync"/>, so the stored offset is always the truth.
/// </summary>
public interface IResumableBlobStore
{
    /// <param name="uploadId">the upload's id (names its partial bytes)</param>
    /// <param name="blobKey">the key the complete bytes will get</param>
    /// <param name="state">what the last save returned (null for a new upload)</param>
    /// <param name="offset">how many bytes are saved; writes continue from there</param>
    /// <param name="cancellationToken">cancels the opening</param>
    Task<IResumableWriter> OpenAsync(string uploadId, string blobKey, string? state, long offset, CancellationToken cancellationToken);

    /// <summary>Puts the complete bytes under <paramref name="blobKey"/> (a committed blob of the <see cref="IBlobStore"/>).</summary>
    Task CompleteAsync(string uploadId, string blobKey, string? state, long length, CancellationToken cancellationToken);

    /// <summary>Removes the partial bytes (termination, expiry). Removing what is gone is done.</summary>
    Task DiscardAsync(string uploadId, string blobKey, string? state, CancellationToken cancellationToken);
}

/// <summary>Appends to a resumable upload. Disposing without <see cref="SaveAsync"/> keeps only what was saved before.</summary>
public interface IResumableWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes everything written so far durable; returns the state to store with the new offset.</summary>
    Task<string?> SaveAsync(CancellationToken cancellationToken);
}
