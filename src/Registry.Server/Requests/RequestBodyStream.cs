using System.Buffers;
using System.IO.Pipelines;

namespace Registry.Server.Requests;

/// <summary>
/// The request body as a read-only stream whose cancelled reads leave Kestrel's body reader usable. Kestrel's own
/// stream passes the token into its pipe, and a read cancelled that way (the upload idle timeout) leaves a read in
/// progress: Kestrel then cannot drain the rest of the body after the 408 and logs an error. Here cancellation calls
/// <see cref="PipeReader.CancelPendingRead"/>, which ends the read cleanly; the caller sees the usual
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class RequestBodyStream(PipeReader reader) : Stream
{
    public static Stream For(HttpContext http) => new RequestBodyStream(http.Request.BodyReader);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ReadResult result;
        using (cancellationToken.UnsafeRegister(static r => ((PipeReader)r!).CancelPendingRead(), reader))
            result = await reader.ReadAsync(CancellationToken.None);
        if (result.IsCanceled)
        {
            reader.AdvanceTo(result.Buffer.Start);
            throw new OperationCanceledException(cancellationToken);
        }
        var n = (int)Math.Min(buffer.Length, result.Buffer.Length);
        var consumed = result.Buffer.Slice(0, n);
        consumed.CopyTo(buffer.Span);
        reader.AdvanceTo(consumed.End);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
