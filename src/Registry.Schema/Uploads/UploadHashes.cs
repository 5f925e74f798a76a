using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Registry.Schema.Packages;

namespace Registry.Schema.Uploads;

/// <summary>
/// The running digests of resumable uploads this process has appended to from their first byte, so completing one
/// costs no second read of its bytes. An upload continued by another instance, or after a restart, has none here, and
/// its bytes are read once more at the end (<see cref="ResumableUploads"/>). A hasher is taken out while a PATCH uses
/// it and put back only with the offset it covers, so it never disagrees with the stored bytes.
/// </summary>
public sealed class UploadHashes(IOptions<RegistryOptions> options)
{
    private readonly ConcurrentDictionary<string, (ContentHasher Hasher, long Covered)> _hashers = new();

    /// <summary>The upload's hasher if it covers exactly <paramref name="offset"/> bytes (a new one at 0); otherwise null.</summary>
    public ContentHasher? Take(string uploadId, long offset)
    {
        if (_hashers.TryRemove(uploadId, out var entry))
        {
            if (entry.Covered == offset) return entry.Hasher;
            entry.Hasher.Dispose();
        }
        return offset == 0 ? ContentHasher.Recorded(options.Value.PackageFileDigests) : null;
    }

    public void Put(string uploadId, ContentHasher hasher, long covered)
    {
        if (_hashers.TryAdd(uploadId, (hasher, covered))) return;
        hasher.Dispose();
    }

    public void Forget(string uploadId)
    {
        if (_hashers.TryRemove(uploadId, out var entry)) entry.Hasher.Dispose();
    }
}
