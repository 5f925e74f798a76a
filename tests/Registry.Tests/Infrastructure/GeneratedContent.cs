using System.Net;
using System.Security.Cryptography;

namespace Registry.Tests.Infrastructure;

/// <summary>Deterministic pseudo-random bytes, streamed; without a declared length it goes out chunked.</summary>
public sealed class GeneratedContent(long length, int seed, bool declareLength = true) : HttpContent
{
    private const int Block = 64 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var random = new Random(seed);
        var buffer = new byte[Block];
        for (var left = length; left > 0;)
        {
            var n = (int)Math.Min(Block, left);
            random.NextBytes(buffer.AsSpan(0, n));
            await stream.WriteAsync(buffer.AsMemory(0, n));
            left -= n;
        }
    }

    protected override bool TryComputeLength(out long value)
    {
        value = length;
        return declareLength;
    }

    public static string Sha256(long length, int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(seed);
        var buffer = new byte[Block];
        for (var left = length; left > 0;)
        {
            var n = (int)Math.Min(Block, left);
            random.NextBytes(buffer.AsSpan(0, n));
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary><paramref name="count"/> bytes from <paramref name="offset"/>, generated without holding the whole content.</summary>
    public static byte[] Slice(long length, int seed, long offset, int count)
    {
        var slice = new byte[count];
        var random = new Random(seed);
        var buffer = new byte[Block];
        for (long start = 0; start < length && start < offset + count; start += Block)
        {
            var n = (int)Math.Min(Block, length - start);
            random.NextBytes(buffer.AsSpan(0, n));
            var from = Math.Max(start, offset);
            var to = Math.Min(start + n, offset + count);
            if (to > from) buffer.AsSpan((int)(from - start), (int)(to - from)).CopyTo(slice.AsSpan((int)(from - offset)));
        }
        return slice;
    }

    public static byte[] Bytes(long length, int seed)
    {
        var all = new byte[length];
        var random = new Random(seed);
        for (var offset = 0; offset < length; offset += Block)
            random.NextBytes(all.AsSpan(offset, (int)Math.Min(Block, length - offset)));
        return all;
    }
}
