namespace Registry.Server.Storage;

/// <summary>
/// Flushes a file being appended to, to disk, on a pool thread while more bytes arrive, at most one flush at a time,
/// so the flush that must finish before an upload is acknowledged waits for the last stretch only instead of every
/// byte written since the last one.
/// </summary>
/// <param name="file">the file's handle</param>
/// <param name="every">how many bytes written since the last flush started start the next one (when none is running)</param>
internal sealed class BackgroundFlush(Microsoft.Win32.SafeHandles.SafeFileHandle file, long every)
{
    private long _unflushed;
    private Task? _flushing;

    /// <summary>Counts <paramref name="written"/> bytes and starts a flush when enough are waiting; surfaces a failed flush.</summary>
    public async ValueTask WrittenAsync(long written)
    {
        _unflushed += written;
        if (_unflushed < every || _flushing is { IsCompleted: false }) return;
        if (_flushing is not null) await _flushing; // surfaces a failed flush
        _unflushed = 0;
        _flushing = Task.Run(() => RandomAccess.FlushToDisk(file), CancellationToken.None);
    }

    /// <summary>Waits for the running flush (the caller's own flush follows and covers the rest).</summary>
    public Task WaitAsync() => _flushing ?? Task.CompletedTask;

    /// <summary>Waits for the running flush before the file is closed, ignoring its failure (the bytes are being given up).</summary>
    public async Task AbandonAsync()
    {
        if (_flushing is null) return;
        try { await _flushing; }
        catch (IOException) { } // the write failed or was abandoned anyway
    }
}
