using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;

namespace Registry.Schema.Storage;

/// <summary>
/// The blob store every reader goes through: blobs whose key has the reserved form <see cref="KeyPrefix"/> are
/// <see cref="ContentBody"/> rows (small uploads, written by the publish batch with their file's row), all others are
/// the configured store's. Downloads, archives, verification, backups and removals thus need no second path; such a
/// blob has no local file and no direct download URL, and is never listed (it cannot be orphaned: its row and its
/// content blob's are written in one transaction).
/// </summary>
public sealed class DatabaseBodyStore(IBlobStore inner, IServiceScopeFactory scopes) : IBlobStore
{
    /// <summary>The form of every key kept in the database; no blob store produces it (their keys start with
    /// <see cref="Packages.PackagePublisher.BlobKeyPrefix"/> or a folder name).</summary>
    public const string KeyPrefix = "db:";

    public static bool Holds(string key) => key.StartsWith(KeyPrefix, StringComparison.Ordinal);

    /// <summary>A new key for bytes kept in the database: unique and never reused, like every storage key. Time-ordered
    /// (a version 7 UUID), so each new key lands at the end of the indexes on storage keys instead of on a random page
    /// of each that every upload's commit would then write again.</summary>
    public static string NewKey() => KeyPrefix + Guid.CreateVersion7().ToString("N");

    private static readonly Func<RegistryDbContext, string, CancellationToken, Task<byte[]?>> Body =
        EF.CompileAsyncQuery((RegistryDbContext db, string key, CancellationToken ct) =>
            db.ContentBodies.Where(b => b.StorageKey == key).Select(b => b.Data).FirstOrDefault());

    /// <summary>
    /// Bodies read lately, for downloads: a database read per GET cost about twice the CPU of a small file's sendfile.
    /// Safe to keep because the bytes under a key never change and keys are never reused; a removal forgets its key.
    /// Bounded: once full it starts again empty. Verify and backup run in processes of their own, so they read the rows.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _recent = new(StringComparer.Ordinal);
    private long _recentBytes;
    private const long RecentLimit = 8L * 1024 * 1024;

    public int FileStore => inner.FileStore;

    public Task<IBlobWriter> CreateAsync(string key, long? expectedLength, CancellationToken cancellationToken) =>
        Holds(key)
            ? throw new InvalidOperationException("Bytes kept in the database are written with their file's row, by the publish batch")
            : inner.CreateAsync(key, expectedLength, cancellationToken);

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!Holds(key)) return await inner.OpenReadAsync(key, cancellationToken);
        if (_recent.TryGetValue(key, out var recent)) return new MemoryStream(recent, writable: false);
        byte[]? data;
        await using (var scope = scopes.CreateAsyncScope())
            data = await Body(scope.ServiceProvider.GetRequiredService<RegistryDbContext>(), key, cancellationToken);
        if (data is null) return null;
        if (Interlocked.Add(ref _recentBytes, data.Length) > RecentLimit)
        {
            _recent.Clear();
            Interlocked.Exchange(ref _recentBytes, 0);
        }
        else if (!_recent.TryAdd(key, data)) Interlocked.Add(ref _recentBytes, -data.Length);
        return new MemoryStream(data, writable: false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!Holds(key))
        {
            await inner.DeleteAsync(key, cancellationToken);
            return;
        }
        if (_recent.TryRemove(key, out var forgotten)) Interlocked.Add(ref _recentBytes, -forgotten.Length);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().ContentBodies
            .Where(b => b.StorageKey == key).ExecuteDeleteAsync(cancellationToken);
    }

    public Task<Uri?> GetDirectDownloadUrlAsync(string key, string fileName, CancellationToken cancellationToken) =>
        Holds(key) ? Task.FromResult<Uri?>(null) : inner.GetDirectDownloadUrlAsync(key, fileName, cancellationToken);

    public string? LocalPathOf(string key) => Holds(key) ? null : inner.LocalPathOf(key);

    public IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task ProbeAsync(CancellationToken cancellationToken) => inner.ProbeAsync(cancellationToken);

    public Task<int> RemovePartialUploadsAsync(DateTime idleSinceUtc, CancellationToken cancellationToken) =>
        inner.RemovePartialUploadsAsync(idleSinceUtc, cancellationToken);
}
