using System.Security.Cryptography;

namespace Registry.Tests.Infrastructure;

public static class StreamHash
{
    /// <summary>The SHA-256 (lower-case hex) and length of a stream read to its end, without holding it; disposes it.</summary>
    public static async Task<(string Sha256, long Length)> Sha256Async(Stream stream)
    {
        await using var _ = stream;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
