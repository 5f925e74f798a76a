namespace Registry.Schema.Storage;

/// <summary>
/// Where file bytes live. Keys are chosen by the registry, never by clients. A blob is written through a
/// <see cref="IBlobWriter"/> and only exists under its key once committed, so an interrupted upload leaves nothing.
/// </summary>
public interface IBlobStore
{
    /// <summary>Short name stored with GitLab's <c>file_store</c> field: 1 local, 2 object storage.</summary>
    int FileStore { get; }

    /// <param name="key">the blob's key</param>
    /// <param name="expectedLength">the length the client declared, when it did: a hint for buffering, never trusted</param>
    /// <param name="cancellationToken">cancels the creation</param>
    Task<IBlobWriter> CreateAsync(string key, long? expectedLength, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading; a seekable stream where the store can give one. Null when missing.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A short-lived URL the client can fetch the blob from directly (an S3 presigned URL), or null when downloads are
    /// proxied through the registry.
    /// </summary>
    Task<Uri?> GetDirectDownloadUrlAsync(string key, string fileName, CancellationToken cancellationToken) => Task.FromResult<Uri?>(null);

    /// <summary>
    /// The blob's file on the local file system, for stores that keep one (downloads then read it straight into the
    /// response), or null.
    /// </summary>
    string? LocalPathOf(string key) => null;

    /// <summary>Every committed blob whose key starts with <paramref name="prefix"/> (no unfinished writes).</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached or used (readiness); as cheap as the store allows.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes unfinished writes that nothing has added to since <paramref name="idleSinceUtc"/>: what uploads of a
    /// crashed process left. Writes in flight, in this process or another, add data more often than that and stay.
    /// Returns how many were removed.
    /// </summary>
    Task<int> RemovePartialUploadsAsync(DateTime idleSinceUtc, CancellationToken cancellationToken);
}

public sealed record StoredBlob(string Key, DateTime LastModifiedUtc);

/// <summary>A blob being written. Disposing it without <see cref="CommitAsync"/> discards everything written.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
    Task CommitAsync(CancellationToken cancellationToken);
}
