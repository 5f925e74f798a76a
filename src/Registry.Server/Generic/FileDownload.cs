using Microsoft.Net.Http.Headers;
using Registry.Schema.Diagnostics;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Server.Generic;

/// <summary>
/// Serves one stored package file with the generic download's headers (attachment name, <c>X-Checksum-SHA256</c>,
/// ETag, Last-Modified, Range); every download endpoint answers through here.
/// </summary>
public static class FileDownload
{
    public static async Task<IResult> ServeAsync(HttpContext http, IBlobStore blobs, StoredFile stored)
    {
        var record = stored.Record;
        var baseName = record.FileName[(record.FileName.LastIndexOf('/') + 1)..];
        if (HttpMethods.IsGet(http.Request.Method))
            await http.RequestServices.GetRequiredService<DownloadStatistics>()
                .RecordAsync(http.RequestServices.GetRequiredService<Registry.Schema.Data.RegistryDbContext>(), record.PackageId, http.RequestAborted);
        if (await blobs.GetDirectDownloadUrlAsync(stored.BlobKey, baseName, http.RequestAborted) is { } direct)
        {
            // Unlike GitLab, the redirect itself still carries the checksum.
            http.Response.Headers["X-Checksum-SHA256"] = record.FileSha256;
            return Results.Redirect(direct.AbsoluteUri);
        }
        var lastModified = DateTime.SpecifyKind(record.CreatedAt, DateTimeKind.Utc);
        var entityTag = new EntityTagHeaderValue($"\"{record.FileSha256}\"");
        if (blobs.LocalPathOf(stored.BlobKey) is { } path)
        {
            if (!File.Exists(path)) throw RegistryError.NotFound("Package file");
            SetHeaders(http, record, baseName);
            SendFileBodyFeature.Install(http);
            return TypedResults.PhysicalFile(path, "application/octet-stream", lastModified: lastModified, entityTag: entityTag,
                enableRangeProcessing: true);
        }
        // Opened last: nothing below can fail before the result owns (and disposes) the stream.
        var stream = await blobs.OpenReadAsync(stored.BlobKey, http.RequestAborted)
            ?? throw RegistryError.NotFound("Package file");
        SetHeaders(http, record, baseName);
        return Results.File(stream, "application/octet-stream", lastModified: lastModified, entityTag: entityTag, enableRangeProcessing: true);
    }

    private static void SetHeaders(HttpContext http, PackageFileRecord record, string baseName)
    {
        http.Response.Headers.ContentDisposition = AttachmentHeader(baseName);
        http.Response.Headers["X-Checksum-SHA256"] = record.FileSha256;
        if (HttpMethods.IsGet(http.Request.Method)) http.Response.OnCompleted(CountDownloaded, http);
    }

    /// <summary>A download's bytes count once its response is complete: the whole file or the range served.</summary>
    private static Task CountDownloaded(object state)
    {
        var http = (HttpContext)state;
        if (!http.RequestAborted.IsCancellationRequested && http.Response.ContentLength is long sent && http.Response.StatusCode is 200 or 206)
            http.RequestServices.GetRequiredService<RegistryMetrics>().Downloaded(sent);
        return Task.CompletedTask;
    }

    /// <summary>GitLab's exact <c>Content-Disposition</c> for a download: quoted name and its RFC 5987 form.</summary>
    public static string AttachmentHeader(string fileName) =>
        $"attachment; filename=\"{fileName}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
}
