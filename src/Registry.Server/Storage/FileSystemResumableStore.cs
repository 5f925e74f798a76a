using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// Resumable uploads on the file system: one file per upload, <c>tmp/&lt;id&gt;.tus</c>, appended to (flushed in the
/// background as it grows) and flushed at each save, renamed into place when complete. The <c>.part</c> sweep never
/// takes them (a paused upload may sit idle for its whole expiry); expired uploads are discarded through
/// <see cref="DiscardAsync"/>.
/// </summary>
public sealed class FileSystemResumableStore(FileSystemBlobStore blobs) : IResumableBlobStore
{
    private string PathOf(string uploadId)
    {
        if (uploadId.Length != 32 || !uploadId.All(char.IsAsciiHexDigitLower)) throw new ArgumentException("Invalid upload id", nameof(uploadId));
        return Path.Combine(blobs.TempFolder, uploadId + ".tus");
    }

    public Task<IResumableWriter> OpenAsync(string uploadId, string blobKey, string? state, long offset, CancellationToken cancellationToken)
    {
        var stream = new FileStream(PathOf(uploadId), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        try
        {
            // Bytes past the saved offset were never acknowledged (a failed chunk checksum, a crash before the save).
            if (stream.Length < offset) throw new InvalidDataException($"The partial file of upload {uploadId} lost bytes ({stream.Length} < {offset})");
            if (stream.Length > offset) stream.SetLength(offset);
            stream.Position = offset;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return Task.FromResult<IResumableWriter>(new Writer(stream));
    }

    public Task CompleteAsync(string uploadId, string blobKey, string? state, long length, CancellationToken cancellationToken)
    {
        var path = PathOf(uploadId);
        if (new FileInfo(path).Length != length) throw new InvalidDataException($"The partial file of upload {uploadId} is not {length} bytes long");
        blobs.Adopt(path, blobKey);
        return Task.CompletedTask;
    }

    public Task DiscardAsync(string uploadId, string blobKey, string? state, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(uploadId));
        return Task.CompletedTask;
    }

    private sealed class Writer(FileStream stream) : IResumableWriter
    {
        /// <summary>
        /// Every PATCH ends with a flush to disk that its client waits for before sending the next one: flushing in the
        /// background from the first MiB on leaves that flush only the last stretch (figures: docs/performance.md).
        /// </summary>
        private const long FlushEvery = 1024 * 1024;

        private readonly BackgroundFlush _file = new(stream, FlushEvery);

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _file.WriteAsync(data, cancellationToken);

        public async Task<string?> SaveAsync(CancellationToken cancellationToken)
        {
            await _file.FlushToDiskAsync(cancellationToken);
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            await _file.AbandonAsync(); // never close the file under a running flush
            await stream.DisposeAsync();
        }
    }
}
