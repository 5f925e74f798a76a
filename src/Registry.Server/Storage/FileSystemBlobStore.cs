using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// Blobs as files under <c>DataPath/blobs</c>. A blob is written to <c>tmp/</c>, flushed to disk, then renamed into
/// place, so a crash mid-upload leaves only a temporary file, which a sweep removes once nothing has written to it for a
/// while (<see cref="RemovePartialUploadsAsync"/>).
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _tmp;

    /// <summary>Temporary files this process is writing; a sweep never takes them, however slow their upload.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _writing = new();

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
        _writing.TryAdd(temp, 0);
        return Task.FromResult<IBlobWriter>(new Writer(this, stream, temp, PathOf(key)));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult<Stream?>(null);
        // No buffer of the stream's own (bufferSize 0): the download copies through a pooled buffer already, and a
        // FileStream buffer was a fresh 64 KiB array for every download, most of the garbage of a small-file load.
        return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            0, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public string? LocalPathOf(string key) => PathOf(key);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        // Deleting what is not there is done (a restored backup can name blobs destroyed while it was taken).
        try { File.Delete(PathOf(key)); }
        catch (DirectoryNotFoundException) { }
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

    public Task ProbeAsync(CancellationToken cancellationToken)
    {
        // Creating a file proves the folder is there (not an unmounted volume) and writable.
        var probe = Path.Combine(_tmp, "probe-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(probe, []);
        File.Delete(probe);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Temporary files of uploads interrupted by a crash: every write updates a file's modification time, so one not
    /// written to since <paramref name="idleSinceUtc"/> (by any process sharing the folder) belongs to no live upload.
    /// </summary>
    public Task<int> RemovePartialUploadsAsync(DateTime idleSinceUtc, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var file in new DirectoryInfo(_tmp).EnumerateFiles("*.part"))
        {
            if (file.LastWriteTimeUtc >= idleSinceUtc || _writing.ContainsKey(file.FullName)) continue;
            try
            {
                file.Delete();
                removed++;
            }
            catch (FileNotFoundException) { } // another instance swept it first
        }
        return Task.FromResult(removed);
    }

    /// <summary>The folder of temporary files (resumable uploads keep theirs here too, under another suffix).</summary>
    internal string TempFolder => _tmp;

    /// <summary>Makes a flushed file under <see cref="TempFolder"/> the committed blob <paramref name="key"/>.</summary>
    internal void Adopt(string temp, string key) => Writer.MoveIntoPlace(temp, PathOf(key));

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("Blob key escapes the blob folder", nameof(key));
        return path;
    }

    private sealed class Writer(FileSystemBlobStore store, FileStream stream, string temp, string final) : IBlobWriter
    {
        /// <summary>
        /// A large blob is flushed to disk in the background every this many bytes while it streams in, so the flush
        /// at commit (before the 201) waits for the last stretch only instead of the whole file.
        /// </summary>
        private const long FlushEvery = 64L * 1024 * 1024;

        private readonly BackgroundFlush _file = new(stream, FlushEvery);
        private bool _committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _file.WriteAsync(data, cancellationToken);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await _file.FlushToDiskAsync(cancellationToken);
            await stream.DisposeAsync();
            MoveIntoPlace(temp, final);
            _committed = true;
        }

        /// <summary>Renames a flushed temporary file to its blob path, durably.</summary>
        internal static void MoveIntoPlace(string temp, string final)
        {
            var directory = Path.GetDirectoryName(final)!;
            if (!Directory.Exists(directory)) CreateDurably(directory);
            File.Move(temp, final);
            // The rename is durable only once its directory is: without this a crash right after the 201 could
            // leave the recorded file's blob in tmp/.
            DirectorySync.Flush(directory);
        }

        /// <summary>Creates a folder and its missing parents, each flushed into its parent, so the path survives a crash.</summary>
        private static void CreateDurably(string directory)
        {
            var parent = Path.GetDirectoryName(directory)!;
            if (!Directory.Exists(parent)) CreateDurably(parent);
            Directory.CreateDirectory(directory); // a racing upload may have made it meanwhile: that is fine
            DirectorySync.Flush(parent);
        }

        public async ValueTask DisposeAsync()
        {
            await _file.AbandonAsync(); // the bytes are discarded below unless committed
            await stream.DisposeAsync();
            if (!_committed) File.Delete(temp);
            store._writing.TryRemove(temp, out _);
        }
    }
}
