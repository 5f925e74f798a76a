namespace Registry.Server.Storage;

/// <summary>
/// A file being appended to that is flushed to disk on a pool thread while more bytes arrive, at most one flush at a
/// time, so the flush that must finish before an upload is acknowledged waits for the last stretch only instead of
/// every byte written since the last one. The blob store's writer and the resumable store's both append through it.
/// </summary>
/// <param name="stream">the file, opened for writing at the offset to append at</param>
/// <param name="every">how many bytes written since the last flush started start the next one (when none is running)</param>
internal sealed class BackgroundFlush(FileStream stream, long every)
{
    private long _unflushed;
    private Task? _flushing;

    /// <summary>Appends <paramref name="data"/> and starts a flush when enough is waiting; surfaces a failed flush.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(data, cancellationToken);
        _unflushed += data.Length;
        if (_unflushed < every || _flushing is { IsCompleted: false }) return;
        if (_flushing is not null) await _flushing; // surfaces a failed flush
        _unflushed = 0;
        _flushing = Task.Run(() => RandomAccess.FlushToDisk(stream.SafeFileHandle), CancellationToken.None);
    }

    /// <summary>Makes every byte written durable: waits for the running flush, then flushes the rest.</summary>
    public async Task FlushToDiskAsync(CancellationToken cancellationToken)
    {
        if (_flushing is not null) await _flushing;
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Waits for the running flush before the file is closed, ignoring its failure (the bytes are being given up).</summary>
    public async Task AbandonAsync()
    {
        if (_flushing is null) return;
        try { await _flushing; }
        catch (IOException) { } // the write failed or was abandoned anyway
    }
}
