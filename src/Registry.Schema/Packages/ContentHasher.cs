using System.Security.Cryptography;

namespace Registry.Schema.Packages;

/// <summary>Computes the three digests GitLab records for a file in one pass over the streamed bytes.</summary>
public sealed class ContentHasher : IDisposable
{
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
