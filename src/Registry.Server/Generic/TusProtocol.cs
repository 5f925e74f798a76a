using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Packages;
using Registry.Schema.Uploads;
using Registry.Server.Responses;

namespace Registry.Server.Generic;

/// <summary>
/// The tus 1.0.0 protocol's headers and status codes (tus.io/protocols/resumable-upload): the filter every tus route
/// runs first (<c>Tus-Resumable</c> on every answer, 412 for another version, the refusals only tus has), and the
/// parsing of its request headers.
/// </summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,expiration,checksum,termination";
    public const string ChecksumAlgorithms = "sha1,sha256";
    public const string OffsetContentType = "application/offset+octet-stream";

    /// <summary>Headers a browser's tus client must read across origins.</summary>
    public const string ExposedHeaders =
        "Location,Upload-Offset,Upload-Length,Upload-Expires,Upload-Metadata,Tus-Resumable,Tus-Version,Tus-Extension,Tus-Max-Size,Tus-Checksum-Algorithm,X-Package-File-Id,X-Package-Id";

    public static TBuilder TusRequest<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(FilterAsync);

    private static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers.AccessControlExposeHeaders = ExposedHeaders;
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && http.Request.Headers["Tus-Resumable"].ToString() != Version)
        {
            headers["Tus-Version"] = Version;
            return RestErrors.Message("412 Precondition Failed - Tus-Resumable must be " + Version, StatusCodes.Status412PreconditionFailed);
        }
        var hasBody = http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0;
        if ((HttpMethods.IsPatch(method) || (HttpMethods.IsPost(method) && hasBody))
            && !string.Equals(http.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
            return RestErrors.Message("415 Unsupported Media Type - Content-Type must be " + OffsetContentType, StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await next(context);
        }
        catch (ResumableUploadError e)
        {
            return e.Refusal switch
            {
                ResumableRefusal.NotFound => RestErrors.Message("404 Upload Not Found", StatusCodes.Status404NotFound),
                ResumableRefusal.OffsetMismatch => RestErrors.Message("409 Conflict - " + e.Message, StatusCodes.Status409Conflict),
                ResumableRefusal.Locked => RestErrors.Message("423 Locked - " + e.Message, StatusCodes.Status423Locked),
                // GitLab's own answer to a body above the limit (file_too_large!).
                ResumableRefusal.TooLarge => RestErrors.Message("413 Request Entity Too Large", StatusCodes.Status413PayloadTooLarge),
                ResumableRefusal.ChunkChecksumMismatch => RestErrors.Message("460 Checksum Mismatch", 460),
                ResumableRefusal.TooManyUploads => RestErrors.Message("429 Too Many Requests - " + e.Message, StatusCodes.Status429TooManyRequests),
                _ => throw new InvalidOperationException($"Unmapped refusal {e.Refusal}"),
            };
        }
    }

    /// <summary>The discovery answer of <c>OPTIONS</c>: version, extensions, the size limit, the checksum algorithms.</summary>
    public static NoContent Options(HttpContext http, IOptions<RegistryOptions> options)
    {
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = Extensions;
        headers["Tus-Checksum-Algorithm"] = ChecksumAlgorithms;
        if (options.Value.MaxFileSize > 0) headers["Tus-Max-Size"] = (options.Value.MaxFileSize - 1).ToString(CultureInfo.InvariantCulture);
        headers.AccessControlExposeHeaders = ExposedHeaders;
        return TypedResults.NoContent();
    }

    /// <summary>A non-negative integer header (<c>Upload-Length</c>, <c>Upload-Offset</c>); 400 when missing or malformed.</summary>
    public static long RequiredLong(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString();
        if (value.Length == 0) throw RegistryError.BadRequest($"{name} header is missing");
        if (value.Length > 19 || !value.All(char.IsAsciiDigit) || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw RegistryError.BadRequest($"{name} header is invalid");
        return n;
    }

    /// <summary><c>Upload-Metadata</c>: comma-separated <c>key base64value</c> pairs (a value may be absent).</summary>
    public static Dictionary<string, string> Metadata(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Headers["Upload-Metadata"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2) throw RegistryError.BadRequest("Upload-Metadata header is invalid");
            var value = "";
            if (parts.Length == 2)
            {
                var bytes = new byte[parts[1].Length];
                if (!Convert.TryFromBase64String(parts[1], bytes, out var written)) throw RegistryError.BadRequest("Upload-Metadata header is invalid");
                value = Encoding.UTF8.GetString(bytes, 0, written);
            }
            if (!result.TryAdd(parts[0], value)) throw RegistryError.BadRequest("Upload-Metadata header is invalid");
        }
        return result;
    }

    /// <summary><c>Upload-Checksum: &lt;algorithm&gt; &lt;base64&gt;</c> of one chunk; null when absent, 400 for an algorithm not offered.</summary>
    public static ChunkChecksum? Checksum(HttpRequest request)
    {
        var header = request.Headers["Upload-Checksum"].ToString().Trim();
        if (header.Length == 0) return null;
        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (algorithm, size) = parts.Length == 2 ? parts[0].ToLowerInvariant() switch
        {
            "sha1" => (HashAlgorithmName.SHA1, 20),
            "sha256" => (HashAlgorithmName.SHA256, 32),
            _ => throw RegistryError.BadRequest("Upload-Checksum algorithm is not supported"),
        } : throw RegistryError.BadRequest("Upload-Checksum header is invalid");
        var digest = new byte[size + 3];
        if (!Convert.TryFromBase64String(parts[1], digest, out var written) || written != size)
            throw RegistryError.BadRequest("Upload-Checksum header is invalid");
        return new ChunkChecksum(algorithm, digest[..size]);
    }

    /// <summary>The date form tus uses for <c>Upload-Expires</c> (RFC 7231).</summary>
    public static string HttpDate(DateTime utc) => utc.ToString("R", CultureInfo.InvariantCulture);
}
