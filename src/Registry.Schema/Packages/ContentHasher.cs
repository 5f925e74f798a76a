using System.Security.Cryptography;

namespace Registry.Schema.Packages;

/// <summary>
/// Computes the three digests GitLab records for a file in one pass over the streamed bytes. Large chunks are hashed
/// on two cores: MD5 (no hardware help, as slow as the other two together) on a pool thread while SHA-256 and SHA-1
/// run on the caller's.
/// </summary>
public sealed class ContentHasher : IDisposable
{
    /// <summary>Below this a chunk is hashed on the caller's thread: handing it over would cost more than it saves.</summary>
    public const int ParallelThreshold = 64 * 1024;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _sha1.AppendData(data);
        _md5.AppendData(data);
        Length += data.Length;
    }

    /// <summary>
    /// Hashes <paramref name="data"/>, large chunks partly on another thread; the memory must stay unchanged until the
    /// returned task completes, and the next append must wait for it.
    /// </summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length < ParallelThreshold)
        {
            Append(data.Span);
            return;
        }
        var md5 = Task.Run(() => _md5.AppendData(data.Span));
        try
        {
            _sha256.AppendData(data.Span);
            _sha1.AppendData(data.Span);
        }
        finally
        {
            // Never return (and let the caller reuse the buffer) while the other thread still reads it.
            await md5;
        }
        Length += data.Length;
    }

    public ContentDigests Finish() => new(
        Convert.ToHexStringLower(_sha256.GetHashAndReset()),
        Convert.ToHexStringLower(_sha1.GetHashAndReset()),
        Convert.ToHexStringLower(_md5.GetHashAndReset()),
        Length);

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1.Dispose();
        _md5.Dispose();
    }
}

public sealed record ContentDigests(string Sha256, string Sha1, string Md5, long Length);
