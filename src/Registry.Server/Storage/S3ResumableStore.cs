using System.Buffers;
using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// Resumable uploads on S3: the parts of one multipart upload, started under the blob's final key. S3 takes parts of
/// at least 5 MiB (but the last), so bytes short of a part wait in a staging object, <c>tus/&lt;id&gt;/staged-&lt;n&gt;</c>
/// (n: the part they will become), rewritten at each save. The upload id and parts are the state kept in the
/// database, so any instance continues an upload; a part number or staging object the database does not know yet is
/// simply written over.
/// </summary>
public sealed class S3ResumableStore(S3BlobStore store, ILogger<S3ResumableStore> log) : IResumableBlobStore
{
    private S3BlobStore Store => store;

    /// <param name="UploadId">the multipart upload, once the first part went</param>
    /// <param name="Parts">part number and ETag of every part sent</param>
    /// <param name="PartsLength">the bytes in those parts</param>
    /// <param name="Staged">the bytes in the staging object of the next part</param>
    private sealed record State(string? UploadId, List<Part> Parts, long PartsLength, int Staged);

    private sealed record Part(int Number, string ETag);

    private static State Read(string? state) =>
        state is null ? new State(null, [], 0, 0) : JsonSerializer.Deserialize<State>(state) ?? throw new InvalidDataException("Empty upload state");

    private string StagingKey(string uploadId, int partNumber) => store.ObjectKey($"tus/{uploadId}/staged-{partNumber}");

    public async Task<IResumableWriter> OpenAsync(string uploadId, string blobKey, string? state, long offset, CancellationToken cancellationToken)
    {
        var current = Read(state);
        if (current.PartsLength + current.Staged != offset)
            throw new InvalidDataException($"Upload {uploadId}: the stored parts hold {current.PartsLength + current.Staged} bytes, not {offset}");
        var writer = new Writer(this, uploadId, blobKey, current);
        try
        {
            if (current.Staged > 0) await writer.LoadStagedAsync(cancellationToken);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
        return writer;
    }

    public async Task CompleteAsync(string uploadId, string blobKey, string? state, long length, CancellationToken cancellationToken)
    {
        var current = Read(state);
        if (current.PartsLength + current.Staged != length) throw new InvalidDataException($"Upload {uploadId} is not {length} bytes long");
        var client = store.Client;
        byte[] staged = current.Staged == 0 ? [] : await ReadStagedAsync(uploadId, current, cancellationToken);
        if (current.UploadId is null)
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = store.Bucket, Key = store.ObjectKey(blobKey), UseChunkEncoding = false,
                InputStream = new MemoryStream(staged, writable: false), AutoCloseStream = true,
            }, cancellationToken);
        }
        else
        {
            var parts = current.Parts.Select(p => new PartETag(p.Number, p.ETag)).ToList();
            if (staged.Length > 0)
            {
                var last = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = store.Bucket, Key = store.ObjectKey(blobKey), UploadId = current.UploadId, PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(staged, writable: false), PartSize = staged.Length, UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, last.ETag));
            }
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = store.Bucket, Key = store.ObjectKey(blobKey), UploadId = current.UploadId, PartETags = parts,
            }, cancellationToken);
        }
        await DeleteStagingAsync(uploadId, cancellationToken);
    }

    public async Task DiscardAsync(string uploadId, string blobKey, string? state, CancellationToken cancellationToken)
    {
        var current = Read(state);
        if (current.UploadId is { } id)
        {
            var client = store.Client;
            var key = store.ObjectKey(blobKey);
            try
            {
                await client.AbortMultipartUploadAsync(store.Bucket, key, id, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
            {
                // s3rver cannot abort: completing frees every part it does not list; then the tiny object goes.
                var part = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = store.Bucket, Key = key, UploadId = id, PartNumber = 1,
                    InputStream = new MemoryStream([0], writable: false), PartSize = 1, UseChunkEncoding = false,
                }, cancellationToken);
                await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store.Bucket, Key = key, UploadId = id, PartETags = [new PartETag(1, part.ETag)],
                }, cancellationToken);
                await client.DeleteObjectAsync(store.Bucket, key, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }
        await DeleteStagingAsync(uploadId, cancellationToken);
    }

    private async Task<byte[]> ReadStagedAsync(string uploadId, State state, CancellationToken ct)
    {
        using var response = await store.Client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = store.Bucket, Key = StagingKey(uploadId, state.Parts.Count + 1),
            ByteRange = new ByteRange(0, state.Staged - 1),
        }, ct);
        var bytes = new byte[state.Staged];
        await response.ResponseStream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private async Task DeleteStagingAsync(string uploadId, CancellationToken ct)
    {
        var prefix = store.ObjectKey($"tus/{uploadId}/");
        var listed = await store.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = store.Bucket, Prefix = prefix }, ct);
        foreach (var o in listed.S3Objects ?? [])
        {
            try { await store.Client.DeleteObjectAsync(store.Bucket, o.Key, ct); }
            catch (AmazonS3Exception e) { log.LogWarning(e, "Could not remove staged bytes {Key} of a resumable upload", o.Key); }
        }
    }

    private sealed class Writer(S3ResumableStore owner, string uploadId, string blobKey, State state) : IResumableWriter
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(owner.Store.PartSize);
        private readonly List<Part> _parts = [.. state.Parts];
        private string? _uploadId = state.UploadId;
        private long _partsLength = state.PartsLength;
        private int _filled;
        private bool _changed;

        private int PartSize => owner.Store.PartSize;
        private IAmazonS3 Client => owner.Store.Client;

        public async Task LoadStagedAsync(CancellationToken ct)
        {
            var staged = await owner.ReadStagedAsync(uploadId, state, ct);
            staged.CopyTo(_buffer, 0);
            _filled = staged.Length;
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (data.Length > 0)
            {
                var n = Math.Min(PartSize - _filled, data.Length);
                data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                _changed = true;
                data = data[n..];
                if (_filled == PartSize) await SendPartAsync(cancellationToken);
            }
        }

        private async Task SendPartAsync(CancellationToken ct)
        {
            var key = owner.Store.ObjectKey(blobKey);
            _uploadId ??= (await Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = owner.Store.Bucket, Key = key }, ct)).UploadId;
            var number = _parts.Count + 1;
            var response = await Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = owner.Store.Bucket, Key = key, UploadId = _uploadId, PartNumber = number,
                InputStream = new MemoryStream(_buffer, 0, _filled, writable: false), PartSize = _filled, UseChunkEncoding = false,
            }, ct);
            _parts.Add(new Part(number, response.ETag));
            _partsLength += _filled;
            _filled = 0;
        }

        public async Task<string?> SaveAsync(CancellationToken cancellationToken)
        {
            if (_changed && _filled > 0)
                await Client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = owner.Store.Bucket, Key = owner.StagingKey(uploadId, _parts.Count + 1), UseChunkEncoding = false,
                    InputStream = new MemoryStream(_buffer, 0, _filled, writable: false), AutoCloseStream = true,
                }, cancellationToken);
            _changed = false;
            return JsonSerializer.Serialize(new State(_uploadId, _parts, _partsLength, _filled));
        }

        public ValueTask DisposeAsync()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            return ValueTask.CompletedTask;
        }
    }
}
