using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// Blobs as files under <c>DataPath/blobs</c>. A blob is written to <c>tmp/</c>, flushed to disk, then renamed into
/// place, so a crash mid-upload leaves only a temporary file that the next start removes.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _tmp;

    public FileSystemBlobStore(IOptions<RegistryOptions> options)
    {
        _root = Path.GetFullPath(Path.Combine(options.Value.DataPath, "blobs"));
        _tmp = Path.Combine(_root, "tmp");
        Directory.CreateDirectory(_tmp);
    }

    public int FileStore => 1;

    public Task<IBlobWriter> CreateAsync(string key, long? expectedLength, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(_tmp, Guid.NewGuid().ToString("N") + ".part");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        return Task.FromResult<IBlobWriter>(new Writer(stream, temp, PathOf(key)));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult<Stream?>(null);
        return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith("tmp/", StringComparison.Ordinal) || !key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            yield return new StoredBlob(key, file.LastWriteTimeUtc);
        }
    }

    /// <summary>Removes temporary files that uploads interrupted by a crash left behind.</summary>
    public void RemoveStaleTemporaryFiles(TimeSpan olderThan)
    {
        foreach (var file in new DirectoryInfo(_tmp).EnumerateFiles("*.part"))
            if (DateTime.UtcNow - file.LastWriteTimeUtc > olderThan)
                file.Delete();
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("Blob key escapes the blob folder", nameof(key));
        return path;
    }

    private sealed class Writer(FileStream stream, string temp, string final) : IBlobWriter
    {
        private bool _committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            stream.WriteAsync(data, cancellationToken);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(temp, final);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed) File.Delete(temp);
        }
    }
}
