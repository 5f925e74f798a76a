using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Registry.Server.Generic;

/// <summary>
/// The response body of a download served from a local file: everything is Kestrel's, except
/// <see cref="SendFileAsync"/>, which Kestrel implements as a copy through a 64 KiB buffer into the response stream,
/// each write flushed to the socket on its own. Here the file is read straight into the response pipe's memory (one
/// copy fewer) in large pieces, and the pipe is flushed once per piece. Kestrel has no sendfile(2): its framing and
/// Content-Length accounting see only what passes through the pipe.
/// </summary>
internal sealed class SendFileBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    /// <summary>How much is read from the file before the pipe is flushed to the socket.</summary>
    private const int Piece = 256 * 1024;

    /// <summary>Puts this in front of the request's own response body feature.</summary>
    public static void Install(HttpContext http)
    {
        if (http.Features.Get<IHttpResponseBodyFeature>() is { } kestrel and not SendFileBodyFeature)
            http.Features.Set<IHttpResponseBodyFeature>(new SendFileBodyFeature(kestrel));
    }

    public Stream Stream => inner.Stream;
    public PipeWriter Writer => inner.Writer;
    public void DisableBuffering() => inner.DisableBuffering();
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        var end = count is long c ? offset + c : RandomAccess.GetLength(file);
        var writer = inner.Writer;
        while (offset < end)
        {
            var memory = writer.GetMemory((int)Math.Min(Piece, end - offset));
            var want = (int)Math.Min(memory.Length, end - offset);
            // A synchronous read: the bytes of a file just served are in the page cache, and an asynchronous one would
            // only move the same call to another pool thread.
            var read = RandomAccess.Read(file, memory.Span[..want], offset);
            if (read == 0) throw new IOException($"{path} ended at {offset} bytes, before the {end} the response announced");
            writer.Advance(read);
            offset += read;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted) return; // the client went away
        }
    }
}
