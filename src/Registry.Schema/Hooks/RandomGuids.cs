using System.Security.Cryptography;

namespace Registry.Schema.Hooks;

/// <summary>
/// Random (version 4) UUIDs cut from a per-thread buffer of cryptographically random bytes, refilled every 256 UUIDs:
/// <see cref="Guid.NewGuid"/> reads the kernel's random source once per call, a system call the publish batch's single
/// writer paid for each upload's package event (docs/performance.md).
/// </summary>
public static class RandomGuids
{
    private const int BufferSize = 16 * 256;
    [ThreadStatic] private static byte[]? _buffer;
    [ThreadStatic] private static int _next;

    public static Guid Next()
    {
        var buffer = _buffer ??= new byte[BufferSize];
        if (_next == 0) RandomNumberGenerator.Fill(buffer);
        var bytes = buffer.AsSpan(_next, 16);
        _next = (_next + 16) % BufferSize;
        // RFC 9562's version 4 and variant bits, where Guid's little-endian layout keeps them: byte 7 is the high byte of
        // the third field, byte 8 the first of the last eight.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
