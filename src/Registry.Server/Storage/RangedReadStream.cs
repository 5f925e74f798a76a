using Amazon.S3;
using Amazon.S3.Model;

namespace Registry.Server.Storage;

/// <summary>
/// A seekable, read-only view of an S3 object: the GET starts at the current position on the first read after a
/// seek, so ASP.NET Core's Range handling fetches only the bytes it serves.
/// </summary>
internal sealed class RangedReadStream(IAmazonS3 client, string bucket, string key, long length) : Stream
{
    private long _position;
    private GetObjectResponse? _response;
    private Stream? _body;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target < 0) throw new IOException("Seek before the start of the object");
        if (target != _position) CloseBody();
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        try
        {
            if (_body is null)
            {
                _response = await client.GetObjectAsync(new GetObjectRequest
                {
                    BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, length - 1),
                }, cancellationToken);
                _body = _response.ResponseStream;
            }
            var read = await _body.ReadAsync(buffer, cancellationToken);
            _position += read;
            return read;
        }
        catch (Exception e) when (S3Faults.Translate(e) is { } translated)
        {
            // S3 went away between the look at the object and its bytes: an outage (503), not a bug.
            throw translated;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CloseBody()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseBody();
        base.Dispose(disposing);
    }
}
