using System.Buffers;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// Blobs as objects in an S3-compatible bucket. Uploads stream: a body that fits in one part goes up in one PUT;
/// larger ones as a multipart upload whose parts are sent as they fill (one filling, one in flight), and aborted if
/// the upload fails so no parts stay behind. Downloads read ranges lazily, so Range requests cost only their bytes.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private const int MinimumPartSize = 5 * 1024 * 1024;
    private readonly IAmazonS3 _client;

    /// <summary>
    /// Part buffers, pooled but bounded: the shared pool keeps one per thread and more per core, so with uploads
    /// landing on ever more threads it kept ever more buffers and memory crept up (docs/performance.md). Four buffers
    /// serve two concurrent uploads; more rent fresh ones that the GC takes back.
    /// </summary>
    private readonly ArrayPool<byte> _partBuffers;
    private readonly S3StorageOptions _options;
    private readonly ILogger<S3BlobStore> _log;

    public S3BlobStore(IOptions<S3StorageOptions> options, ILogger<S3BlobStore> log)
    {
        _options = options.Value;
        _log = log;
        if (_options.PartSize < MinimumPartSize) throw new InvalidOperationException($"{S3StorageOptions.Section}:PartSize must be at least 5 MiB");
        _partBuffers = ArrayPool<byte>.Create(_options.PartSize, maxArraysPerBucket: 4);
        var config = new AmazonS3Config
        {
            ForcePathStyle = _options.ForcePathStyle,
            AuthenticationRegion = _options.Region,
            // S3-compatible servers store aws-chunked bodies and trailing checksums verbatim; send plain bodies.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(_options.ServiceUrl)) config.ServiceURL = _options.ServiceUrl;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Region);
        _client = string.IsNullOrEmpty(_options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(_options.AccessKey, _options.SecretKey), config);
    }

    public int FileStore => 2;

    private int _openMultipartUploads;

    /// <summary>Multipart uploads this instance began and has neither completed nor aborted.</summary>
    public int OpenMultipartUploads => Volatile.Read(ref _openMultipartUploads);

    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (!_options.CreateBucket) return;
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public Task<IBlobWriter> CreateAsync(string key, long? expectedLength, CancellationToken cancellationToken) =>
        Task.FromResult<IBlobWriter>(new S3FaultTranslatingWriter(new Writer(this, ObjectKey(key), expectedLength)));

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(_options.Bucket, ObjectKey(key), cancellationToken);
            return new RangedReadStream(_client, _options.Bucket, ObjectKey(key), head.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (S3Faults.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(_options.Bucket, ObjectKey(key), cancellationToken);

    public async Task<Uri?> GetDirectDownloadUrlAsync(string key, string fileName, CancellationToken cancellationToken)
    {
        if (!_options.DirectDownload) return null;
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectKey(key),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow + _options.DirectDownloadValidity,
            Protocol = _options.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentDisposition = Generic.FileDownload.AttachmentHeader(fileName);
        request.ResponseHeaderOverrides.ContentType = "application/octet-stream";
        return new Uri(await _client.GetPreSignedURLAsync(request));
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = ObjectKey(prefix) };
        var strip = ObjectKey("").Length;
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var o in response.S3Objects ?? [])
                yield return new StoredBlob(o.Key[strip..], (o.LastModified ?? DateTime.UtcNow).ToUniversalTime());
            request.ContinuationToken = response.NextContinuationToken;
        } while (response.IsTruncated == true);
    }

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        // HeadBucket, not a one-key listing: a listing that stops short makes a continuation token, which s3rver makes
        // with a cipher OpenSSL 3 refuses (500 once the bucket has two objects, so readiness never came back).
        try { await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = _options.Bucket }, cancellationToken); }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A HEAD's 404 has no body, so no NoSuchBucket code for S3Faults to see.
            throw new StorageUnavailableException($"The S3 bucket {_options.Bucket} does not exist", e);
        }
        catch (Exception e) when (S3Faults.Translate(e) is { } translated) { throw translated; }
    }

    private bool _multipartListingUnsupported;

    /// <summary>
    /// Aborts multipart uploads of this registry's prefix whose newest part is older than <paramref name="idleSinceUtc"/>
    /// (an upload in flight sends a part at least that often). Servers without ListMultipartUploads (s3rver) are left
    /// to the bucket's lifecycle rule.
    /// </summary>
    public async Task<int> RemovePartialUploadsAsync(DateTime idleSinceUtc, CancellationToken cancellationToken)
    {
        if (_multipartListingUnsupported) return 0;
        var removed = 0;
        var request = new ListMultipartUploadsRequest { BucketName = _options.Bucket, Prefix = ObjectKey("") };
        try
        {
            ListMultipartUploadsResponse response;
            do
            {
                response = await _client.ListMultipartUploadsAsync(request, cancellationToken);
                foreach (var upload in response.MultipartUploads ?? [])
                {
                    if (upload.Initiated is { } initiated && initiated.ToUniversalTime() >= idleSinceUtc) continue;
                    var parts = await _client.ListPartsAsync(new ListPartsRequest
                    {
                        BucketName = _options.Bucket, Key = upload.Key, UploadId = upload.UploadId,
                    }, cancellationToken);
                    if ((parts.Parts ?? []).Any(p => p.LastModified is { } at && at.ToUniversalTime() >= idleSinceUtc)) continue;
                    await _client.AbortMultipartUploadAsync(_options.Bucket, upload.Key, upload.UploadId, cancellationToken);
                    removed++;
                }
                request.KeyMarker = response.NextKeyMarker;
                request.UploadIdMarker = response.NextUploadIdMarker;
            } while (response.IsTruncated == true);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed
            || e.ErrorCode is "NotImplemented")
        {
            _multipartListingUnsupported = true;
            _log.LogInformation("The S3 server does not list multipart uploads; a bucket lifecycle rule must abort those of crashed processes");
        }
        return removed;
    }

    internal IAmazonS3 Client => _client;
    internal string Bucket => _options.Bucket;
    internal int PartSize => _options.PartSize;

    internal string ObjectKey(string key) => _options.Prefix.Length == 0 ? key : _options.Prefix.TrimEnd('/') + "/" + key;

    public void Dispose() => _client.Dispose();

    private sealed class Writer : IBlobWriter
    {
        /// <summary>What a body of unknown length starts in; most files published are far smaller than a part.</summary>
        private const int SmallBufferSize = 64 * 1024;

        private readonly S3BlobStore store;
        private readonly string key;

        /// <summary>
        /// The part being filled. A body declared to be at most half a part (or, declared as nothing, seen so far to be
        /// under 64 KiB) starts in a buffer of its own size and moves to a pooled part buffer only once it outgrows it:
        /// renting a whole part for every small upload made each of many concurrent small uploads hold a whole part.
        /// </summary>
        private byte[] _buffer;
        private BufferKind _bufferKind;
        private int _filled;
        private string? _uploadId;
        private readonly List<PartETag> _parts = [];
        private (Task<UploadPartResponse> Task, byte[] Buffer)? _inFlight;
        private bool _done;

        private enum BufferKind { Part, Shared, Own }

        public Writer(S3BlobStore store, string key, long? expectedLength)
        {
            this.store = store;
            this.key = key;
            (_buffer, _bufferKind) = expectedLength switch
            {
                null => (ArrayPool<byte>.Shared.Rent(SmallBufferSize), BufferKind.Shared),
                <= SmallBufferSize and var n => (ArrayPool<byte>.Shared.Rent((int)Math.Max(n, 1)), BufferKind.Shared),
                // Up to half a part an array of its own; above that a pooled part buffer, nearly as small and reused.
                var n when n <= store._options.PartSize / 2 => (GC.AllocateUninitializedArray<byte>((int)n), BufferKind.Own),
                _ => (store._partBuffers.Rent(store._options.PartSize), BufferKind.Part),
            };
        }

        private int PartSize => store._options.PartSize;
        private int Capacity => _bufferKind == BufferKind.Part ? PartSize : _buffer.Length;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            while (data.Length > 0)
            {
                // A full part goes out only when more follows, so a body of exactly one part is a single PUT.
                if (_filled == Capacity)
                {
                    if (_bufferKind == BufferKind.Part) await SendPartAsync(ct);
                    else MoveToPartBuffer();
                }
                var n = Math.Min(Capacity - _filled, data.Length);
                data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                data = data[n..];
            }
        }

        private void MoveToPartBuffer()
        {
            var part = store._partBuffers.Rent(PartSize);
            _buffer.AsSpan(0, _filled).CopyTo(part);
            ReleaseBuffer();
            (_buffer, _bufferKind) = (part, BufferKind.Part);
        }

        private void ReleaseBuffer()
        {
            if (_bufferKind == BufferKind.Part) store._partBuffers.Return(_buffer);
            else if (_bufferKind == BufferKind.Shared) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _bufferKind = BufferKind.Own;
        }

        private async Task SendPartAsync(CancellationToken ct)
        {
            if (_uploadId is null)
            {
                _uploadId = (await store._client.InitiateMultipartUploadAsync(
                    new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = key }, ct)).UploadId;
                Interlocked.Increment(ref store._openMultipartUploads);
            }
            var spare = await WaitInFlightAsync() ?? store._partBuffers.Rent(PartSize);
            var request = new UploadPartRequest
            {
                BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartNumber = _parts.Count + 1,
                InputStream = new MemoryStream(_buffer, 0, _filled, writable: false), PartSize = _filled,
                UseChunkEncoding = false,
            };
            _inFlight = (store._client.UploadPartAsync(request, ct), _buffer);
            _buffer = spare;
            _filled = 0;
        }

        /// <summary>Waits for the part on the wire; returns its buffer for reuse.</summary>
        private async Task<byte[]?> WaitInFlightAsync()
        {
            if (_inFlight is not { } inFlight) return null;
            _inFlight = null;
            var response = await inFlight.Task;
            _parts.Add(new PartETag(response.PartNumber ?? _parts.Count + 1, response.ETag));
            return inFlight.Buffer;
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            if (_uploadId is null)
            {
                await store._client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = store._options.Bucket, Key = key, UseChunkEncoding = false,
                    InputStream = new MemoryStream(_buffer, 0, _filled, writable: false), AutoCloseStream = true,
                }, ct);
            }
            else
            {
                if (_filled > 0) await SendPartAsync(ct);
                if (await WaitInFlightAsync() is { } last) store._partBuffers.Return(last);
                await store._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartETags = _parts,
                }, ct);
                Interlocked.Decrement(ref store._openMultipartUploads);
            }
            _done = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_inFlight is { } inFlight)
            {
                try { await inFlight.Task; } catch { /* the upload is being abandoned anyway */ }
                store._partBuffers.Return(inFlight.Buffer);
                _inFlight = null;
            }
            ReleaseBuffer();
            if (_done || _uploadId is null) return;
            try
            {
                await store._client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = store._options.Bucket, Key = key, UploadId = _uploadId,
                });
                Interlocked.Decrement(ref store._openMultipartUploads);
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
            {
                // The server cannot abort (s3rver answers 405). Completing the upload frees every part it does not list,
                // so complete it with one tiny part under its own unique, unreferenced key and delete that object.
                await DiscardByCompletingAsync(e);
            }
            catch (Exception e)
            {
                store._log.LogWarning(e, "Could not abort multipart upload {UploadId} of {Key}", _uploadId, key);
            }
        }

        private async Task DiscardByCompletingAsync(AmazonS3Exception abortError)
        {
            try
            {
                var part = await store._client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartNumber = 1,
                    InputStream = new MemoryStream([0], writable: false), PartSize = 1, UseChunkEncoding = false,
                });
                await store._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartETags = [new PartETag(1, part.ETag)],
                });
                await store._client.DeleteObjectAsync(store._options.Bucket, key);
                Interlocked.Decrement(ref store._openMultipartUploads);
                store._log.LogInformation("The S3 server cannot abort multipart uploads ({Status}); discarded {UploadId} of {Key} by completing and deleting it",
                    (int)abortError.StatusCode, _uploadId, key);
            }
            catch (Exception e)
            {
                store._log.LogWarning(e, "Could not abort multipart upload {UploadId} of {Key} (abort answered {Status}), nor complete and delete it",
                    _uploadId, key, (int)abortError.StatusCode);
            }
        }
    }
}
