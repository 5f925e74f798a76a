using System.IO.Compression;
using System.Text;
using System.Text.Json.Serialization;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Hosting;
using Registry.Server.Responses;

namespace Registry.Server.Generic;

/// <summary>A whole package version: its files as JSON, or streamed as a zip with a <c>SHA256SUMS</c> entry.</summary>
public static class VersionArchive
{
    public sealed record FileEntry(
        [property: JsonPropertyName("file_name")] string FileName,
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("file_sha256")] string FileSha256,
        [property: JsonPropertyName("created_at")] string CreatedAt,
        [property: JsonPropertyName("download_url")] string DownloadUrl);

    public static bool WantsZip(HttpRequest request) =>
        request.Query["format"] == "zip"
        || request.Headers.Accept.ToString().Contains("application/zip", StringComparison.OrdinalIgnoreCase);

    public static IResult Json(HttpRequest request, IEnumerable<StoredFile> files) =>
        GitLabJson.Ok(files.Select(f => new FileEntry(f.Record.FileName, f.Record.Size, f.Record.FileSha256,
            PackageFileJson.Timestamp(f.Record.CreatedAt), PublicUrl.Root(request) + f.Record.DownloadPath)));

    /// <summary>Streams each blob into the archive as it is read: no file is held in memory, no archive is staged on disk.</summary>
    public static async Task WriteZipAsync(HttpContext http, IBlobStore blobs, string name, string version, IReadOnlyList<StoredFile> files)
    {
        var ct = http.RequestAborted;
        // ZipArchive flushes each entry's compressor synchronously when the entry closes (a few KiB at most).
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
        var archiveName = $"{name}-{version}.zip";
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = FileDownload.AttachmentHeader(archiveName);
        await using var zip = await ZipArchive.CreateAsync(http.Response.Body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        var sums = new StringBuilder();
        foreach (var file in files)
        {
            await using var source = await blobs.OpenReadAsync(file.BlobKey, ct) ?? throw RegistryError.NotFound("Package file");
            var entry = zip.CreateEntry(file.Record.FileName, CompressionLevel.Fastest);
            entry.LastWriteTime = DateTime.SpecifyKind(file.Record.CreatedAt, DateTimeKind.Utc);
            await using (var target = await entry.OpenAsync(ct))
                await source.CopyToAsync(target, 128 * 1024, ct);
            sums.Append(file.Record.FileSha256).Append("  ").Append(file.Record.FileName).Append('\n');
        }
        var sumsEntry = zip.CreateEntry("SHA256SUMS", CompressionLevel.Fastest);
        await using (var target = await sumsEntry.OpenAsync(ct))
            await target.WriteAsync(Encoding.UTF8.GetBytes(sums.ToString()), ct);
    }
}
