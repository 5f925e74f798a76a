using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// S3's failures in the registry's terms: a full or over-quota bucket is <see cref="InsufficientStorageException"/>
/// (507, as a full disk), a bucket that cannot be reached, answers 5xx or does not exist is <see cref="StorageUnavailableException"/>
/// (503). Anything else (a missing object, a bad request, a cancellation) stays as it is.
/// </summary>
public static class S3Faults
{
    public static Exception? Translate(Exception e)
    {
        if (e is OperationCanceledException || e is InsufficientStorageException or StorageUnavailableException) return null;
        if (e is AmazonS3Exception { ErrorCode: "QuotaExceeded" or "EntityTooLarge" or "InsufficientStorage" }
            || e is AmazonServiceException { StatusCode: HttpStatusCode.InsufficientStorage })
            return new InsufficientStorageException("The S3 bucket is full: " + e.Message, e);
        // A bucket that is gone is an outage of the store, not a fault of the request (s3rver said 404 NoSuchBucket to
        // every upload, which came out as 500s).
        if (e is AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } or AmazonS3Exception { ErrorCode: "NoSuchBucket" }
            || Unreachable(e))
            return new StorageUnavailableException("The S3 storage is unavailable: " + e.GetBaseException().Message, e);
        return null;
    }

    /// <summary>No answer at all: connection refused or reset, a name that does not resolve, a timeout.</summary>
    private static bool Unreachable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is HttpRequestException or SocketException or TimeoutException or IOException { InnerException: SocketException }) return true;
        return false;
    }
}

/// <summary>An S3 upload whose failures come out translated (<see cref="S3Faults"/>).</summary>
internal sealed class S3FaultTranslatingWriter(IBlobWriter inner) : IBlobWriter
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try { await inner.WriteAsync(data, cancellationToken); }
        catch (Exception e) when (S3Faults.Translate(e) is { } translated) { throw translated; }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        try { await inner.CommitAsync(cancellationToken); }
        catch (Exception e) when (S3Faults.Translate(e) is { } translated) { throw translated; }
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
