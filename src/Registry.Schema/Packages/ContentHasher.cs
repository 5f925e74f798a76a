using System.Security.Cryptography;

namespace Registry.Schema.Packages;

/// <summary>
/// Computes the digests of a file in one pass over the streamed bytes: SHA-256 always (it addresses the content), and
/// GitLab's SHA-1 and MD5 when asked. A large chunk is hashed by each algorithm on a pool thread of its own, in parallel
/// with each other and with whatever the caller does meanwhile (the write): MD5, which has no hardware help, takes as
/// long as the other two together, so on two cores the three and the write finish at about the same time.
/// </summary>
public sealed class ContentHasher : IDisposable
{
    /// <summary>Below this a chunk is hashed on the caller's thread: handing it over would cost more than it saves.</summary>
    public const int ParallelThreshold = 64 * 1024;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _sha1;
    private readonly IncrementalHash? _md5;

    /// <param name="sha1">whether SHA-1 is computed</param>
    /// <param name="md5">whether MD5 is computed</param>
    public ContentHasher(bool sha1 = true, bool md5 = true)
    {
        if (sha1) _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        if (md5) _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    }

    /// <summary>A hasher of the digests the registry records for a file (<c>Registry:PackageFileDigests</c>).</summary>
    public static ContentHasher Recorded(PackageFileDigestSet digests) =>
        digests == PackageFileDigestSet.All ? new ContentHasher() : new ContentHasher(sha1: false, md5: false);

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _sha1?.AppendData(data);
        _md5?.AppendData(data);
        Length += data.Length;
    }

    /// <summary>
    /// Hashes <paramref name="data"/>, a large chunk with each algorithm on a pool thread; the memory must stay unchanged
    /// until the returned task completes, and the next append must wait for it.
    /// </summary>
    public Task AppendAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length < ParallelThreshold)
        {
            Append(data.Span);
            return Task.CompletedTask;
        }
        Length += data.Length;
        var sha256 = Task.Run(() => _sha256.AppendData(data.Span));
        if (_sha1 is null && _md5 is null) return sha256;
        var sha1 = _sha1 is { } s ? Task.Run(() => s.AppendData(data.Span)) : Task.CompletedTask;
        var md5 = _md5 is { } m ? Task.Run(() => m.AppendData(data.Span)) : Task.CompletedTask;
        // All three, even when one fails: never let the caller reuse the buffer while another thread still reads it.
        return Task.WhenAll(sha256, sha1, md5);
    }

    public ContentDigests Finish() => new(
        Convert.ToHexStringLower(_sha256.GetHashAndReset()),
        _sha1 is null ? null : Convert.ToHexStringLower(_sha1.GetHashAndReset()),
        _md5 is null ? null : Convert.ToHexStringLower(_md5.GetHashAndReset()),
        Length);

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1?.Dispose();
        _md5?.Dispose();
    }
}

/// <summary>A file's digests (lower-case hex); SHA-1 and MD5 are null where the registry does not compute them.</summary>
public sealed record ContentDigests(string Sha256, string? Sha1, string? Md5, long Length);
