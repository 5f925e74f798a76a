using System.Buffers;
using System.Collections.Concurrent;

namespace Registry.Server.Hosting;

/// <summary>
/// Kestrel's memory pool with 64 KiB blocks instead of its own 4 KiB. The socket transport reads into one block at a
/// time, so a request body arrived in 4 KiB reads (each preceded by a zero-byte read that waits for data), and on
/// virtual machines every system call is costly. Responses are written from the same blocks, so downloads make fewer,
/// larger sends too. Figures: docs/performance.md.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Blocks kept for reuse (8 MiB); more are left to the GC, so a burst does not pin memory for good.</summary>
    private const int MaxKept = 128;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _kept;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var array)) Interlocked.Decrement(ref _kept);
        else array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true); // the socket reads into it directly
        return new Block(this, array);
    }

    private void Return(byte[] array)
    {
        if (Interlocked.Increment(ref _kept) <= MaxKept) _free.Enqueue(array);
        else Interlocked.Decrement(ref _kept);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array) pool.Return(array);
        }
    }
}
