using System.Buffers;
using System.Diagnostics;

namespace Registry.Schema.Packages;

/// <summary>
/// Moves a request body into storage in chunks, for the PUT and for tus's PATCH alike. Each chunk is read until it is
/// full or the body ends (Kestrel's pipe hands out a few KiB at a time: processed as they came, every few KiB was a
/// write call and a hash on the request thread), then handed to the caller's step (hash and write) while the next
/// chunk is read into a second buffer.
/// </summary>
public static class ChunkPump
{
    /// <summary>
    /// Small enough that a chunk is still in the CPU's cache while the three digests and the write read it, large enough
    /// that each digest runs on a pool thread (<see cref="ContentHasher.ParallelThreshold"/>); docs/performance.md has
    /// the figures of 1 MiB, 256 KiB and 128 KiB.
    /// </summary>
    public const int ChunkSize = 128 * 1024;

    /// <summary>The longest a chunk waits to fill before what it holds is written.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads <paramref name="body"/> to its end and runs <paramref name="step"/> on each chunk in order. A step's
    /// synchronous exception stops the pump at once; the memory it gets is reused once its task completes.
    /// </summary>
    /// <param name="chunkSize">the chunk size (a small body of known length needs no more than its length plus one)</param>
    /// <param name="idleTimeout">a read that gets nothing for this long ends the body as stalled</param>
    /// <param name="keepBroken">when the connection breaks or stalls, the bytes read so far are still stepped and the
    /// failure is returned instead of thrown (tus keeps what arrived); otherwise a stall throws
    /// <see cref="RegistryError.Stalled"/> and any other failure propagates</param>
    /// <param name="ct">the request's cancellation</param>
    /// <returns>the bytes read, and the failure that ended a broken body when <paramref name="keepBroken"/></returns>
    public static async Task<(long Total, Exception? Broken)> RunAsync(Stream body, int chunkSize, TimeSpan idleTimeout,
        Func<ReadOnlyMemory<byte>, Task> step, bool keepBroken, CancellationToken ct)
    {
        var filling = ArrayPool<byte>.Shared.Rent(chunkSize);
        byte[]? spare = null;
        Task? pending = null;
        long total = 0;
        Exception? broken = null;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (true)
            {
                var (read, ended, failure) = await FillAsync(body, filling.AsMemory(0, chunkSize), idle, idleTimeout, keepBroken);
                if (pending is not null) await pending; // the chunk before is processed: its buffer is free
                pending = null;
                if (read > 0)
                {
                    total += read;
                    pending = step(filling.AsMemory(0, read));
                }
                if (failure is not null)
                {
                    broken = failure;
                    break;
                }
                if (ended) break;
                spare ??= ArrayPool<byte>.Shared.Rent(chunkSize);
                (filling, spare) = (spare, filling);
            }
            if (pending is not null) await pending;
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw RegistryError.Stalled();
        }
        finally
        {
            // Never hand a buffer back while a step may still read it.
            if (pending is { IsCompleted: false })
            {
                try { await pending; }
                catch (Exception) { } // the failure that matters is already on its way out
            }
            ArrayPool<byte>.Shared.Return(filling);
            if (spare is not null) ArrayPool<byte>.Shared.Return(spare);
        }
        return (total, broken);
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the body ends; each read restarts the idle timer. A slow body's
    /// chunk is handed on once it has waited <see cref="MaxHold"/> (or half <paramref name="idleTimeout"/>): the partial
    /// file must grow that often, or another instance's sweep (nothing written for twice its own idle timeout) takes it
    /// for a crashed upload's.
    /// </summary>
    private static async Task<(int Read, bool Ended, Exception? Broken)> FillAsync(Stream body, Memory<byte> buffer,
        CancellationTokenSource idle, TimeSpan idleTimeout, bool keepBroken)
    {
        var filled = 0;
        var started = Stopwatch.GetTimestamp();
        var hold = idleTimeout / 2 < MaxHold ? idleTimeout / 2 : MaxHold;
        while (filled < buffer.Length)
        {
            if (filled > 0 && Stopwatch.GetElapsedTime(started) >= hold) return (filled, false, null);
            idle.CancelAfter(idleTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer[filled..], idle.Token);
            }
            catch (Exception e) when (keepBroken && e is IOException or OperationCanceledException)
            {
                return (filled, true, e);
            }
            if (read == 0) return (filled, true, null);
            filled += read;
        }
        return (filled, false, null);
    }
}
