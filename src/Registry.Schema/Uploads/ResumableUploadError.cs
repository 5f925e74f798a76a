namespace Registry.Schema.Uploads;

public enum ResumableRefusal
{
    /// <summary>Unknown, expired, finished and swept, or someone else's (404).</summary>
    NotFound,
    /// <summary><c>Upload-Offset</c> is not the upload's offset (409).</summary>
    OffsetMismatch,
    /// <summary>Another append is writing to it right now (423; tus clients retry).</summary>
    Locked,
    /// <summary>More bytes than <c>Upload-Length</c>, or a length above the size limit (413).</summary>
    TooLarge,
    /// <summary>The chunk's <c>Upload-Checksum</c> does not match its bytes (460).</summary>
    ChunkChecksumMismatch,
    /// <summary>The caller has too many unfinished uploads (429).</summary>
    TooManyUploads,
}

/// <summary>A refusal that only the tus protocol has (its status codes are not GitLab's); the tus endpoints translate it.</summary>
public sealed class ResumableUploadError(ResumableRefusal refusal, string message) : Exception(message)
{
    public ResumableRefusal Refusal { get; } = refusal;
}
