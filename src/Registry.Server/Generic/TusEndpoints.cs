using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Registry.Schema.Access;
using Registry.Schema.Packages;
using Registry.Schema.Uploads;
using Registry.Server.Access;
using Registry.Server.Hosting;
using Registry.Server.Requests;
using Registry.Server.Responses;

namespace Registry.Server.Generic;

/// <summary>
/// Resumable uploads (tus 1.0.0) of generic package files. <c>POST</c> on the file's generic URL creates an upload
/// (with the PUT's refusals, before any byte); its <c>Location</c>, <c>/api/v4/projects/:id/packages/tus/:upload_id</c>,
/// takes <c>HEAD</c>, <c>PATCH</c> and <c>DELETE</c>, and once complete <c>GET</c> gives the package file it became
/// (GitLab's <c>select=package_file</c> record). Only the token or browser session that created an upload sees it.
/// </summary>
public static class TusEndpoints
{
    public static IEndpointRouteBuilder MapTusUploads(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/api/v4/projects/{id}/packages/generic/{**rest}", [HttpMethods.Options], TusProtocol.Options).Public("tus discovery: the server's version, extensions and limits");
        app.MapPost("/api/v4/projects/{id}/packages/generic/{**rest}", Create).TusRequest().RequireProject(ProjectAction.PublishPackages);
        var upload = app.MapGroup("/api/v4/projects/{id}/packages/tus/{upload_id}");
        upload.MapMethods("", [HttpMethods.Options], TusProtocol.Options).Public("tus discovery: the server's version, extensions and limits");
        var owned = upload.MapGroup("").TusRequest().RequireProject(ProjectAction.PublishPackages);
        owned.MapMethods("", [HttpMethods.Head], Head);
        owned.MapGet("", Get);
        owned.MapPatch("", Patch);
        owned.MapDelete("", Delete);
        return app;
    }

    private static async Task<Created> Create(ProjectScope scope, GenericTarget target, HttpContext http, ResumableUploads uploads)
    {
        var request = http.Request;
        var length = TusProtocol.RequiredLong(request, "Upload-Length");
        var metadata = TusProtocol.Metadata(request);
        var status = metadata.TryGetValue("status", out var s) ? ParseStatus(s) : null;
        if (metadata.TryGetValue("select", out var select) && select != "package_file") throw RegistryError.Invalid("select", "does not have a valid value");
        string? sha256 = null;
        if (metadata.TryGetValue("sha256", out var hex))
        {
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit)) throw RegistryError.BadRequest("Upload-Metadata sha256 is invalid");
            sha256 = hex.ToLowerInvariant();
        }
        var command = new PublishCommand(scope.Actor, scope.Project, target.Name, target.Version, target.FileNameOrNull!, status, length,
            new ExpectedDigests(sha256));
        var created = await uploads.CreateAsync(command, Owner(scope), length, http.RequestAborted);
        var location = Location(request, created);
        http.Response.Headers.Location = location;
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            // creation-with-upload: the body is the first chunk (a broken one leaves the upload created, with what arrived).
            created = await AppendAsync(scope, http, uploads, created, 0);
        }
        else
        {
            http.Response.Headers["Upload-Offset"] = "0";
        }
        http.Response.Headers["Upload-Expires"] = TusProtocol.HttpDate(created.ExpiresAt);
        return TypedResults.Created(location);
    }

    private static async Task<Ok> Head(ProjectScope scope, HttpContext http, ResumableUploads uploads)
    {
        var upload = await FindAsync(scope, http, uploads);
        Describe(http, upload);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok();
    }

    /// <summary>The package file a finished upload became, as <c>?select=package_file</c> answers a PUT; 409 before that.</summary>
    private static async Task<Results<GitLabJson<PackageFileJson>, NotFound>> Get(ProjectScope scope, HttpContext http, ResumableUploads uploads,
        PackageFinder finder)
    {
        var upload = await FindAsync(scope, http, uploads);
        Describe(http, upload);
        http.Response.Headers.CacheControl = "no-store";
        if (upload.State != ResumableUploadState.Completed) throw RegistryError.Conflict("The upload is not complete");
        var stored = await finder.FindFileByIdAsync(upload.PackageId!.Value, upload.PackageFileId!.Value, http.RequestAborted);
        return stored is null ? TypedResults.NotFound() : GitLabJson.Ok(PackageFileJson.From(stored.Record));
    }

    private static async Task<NoContent> Patch(ProjectScope scope, HttpContext http, ResumableUploads uploads)
    {
        var offset = TusProtocol.RequiredLong(http.Request, "Upload-Offset");
        var upload = await FindAsync(scope, http, uploads);
        upload = await AppendAsync(scope, http, uploads, upload, offset);
        http.Response.Headers["Upload-Expires"] = TusProtocol.HttpDate(upload.ExpiresAt);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Delete(ProjectScope scope, HttpContext http, ResumableUploads uploads)
    {
        var upload = await FindAsync(scope, http, uploads);
        await uploads.TerminateAsync(upload, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<ResumableUpload> AppendAsync(ProjectScope scope, HttpContext http, ResumableUploads uploads, ResumableUpload upload, long offset)
    {
        var checksum = TusProtocol.Checksum(http.Request);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var command = new PublishCommand(scope.Actor, scope.Project, upload.PackageName, upload.PackageVersion, upload.FileName,
            upload.PackageStatus, upload.Length, new ExpectedDigests(upload.Sha256));
        upload = await uploads.AppendAsync(upload, offset, RequestBodyStream.For(http), http.Request.ContentLength, checksum, command,
            http.RequestAborted);
        Describe(http, upload);
        return upload;
    }

    private static Task<ResumableUpload> FindAsync(ProjectScope scope, HttpContext http, ResumableUploads uploads) =>
        uploads.FindAsync(http.GetRouteValue("upload_id")?.ToString() ?? "", scope.Project.Id, Owner(scope), http.RequestAborted);

    private static void Describe(HttpContext http, ResumableUpload upload)
    {
        var headers = http.Response.Headers;
        headers["Upload-Offset"] = upload.Offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        if (upload.State == ResumableUploadState.Completed)
        {
            headers["X-Package-File-Id"] = upload.PackageFileId!.Value.ToString(CultureInfo.InvariantCulture);
            headers["X-Package-Id"] = upload.PackageId!.Value.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            headers["Upload-Expires"] = TusProtocol.HttpDate(upload.ExpiresAt);
        }
    }

    private static string Location(HttpRequest request, ResumableUpload upload) =>
        $"{PublicUrl.Root(request)}{GenericPath.Prefix}{upload.ProjectId}/packages/tus/{upload.Id}";

    /// <summary>Who an upload belongs to: the token (by digest, whichever header carried it) or the browser session.</summary>
    private static string Owner(ProjectScope scope) =>
        scope.Authentication.Credentials is { Token.Length: > 0 } credentials
            ? "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credentials.Token)))
            : scope.Actor.SessionId is { } session ? "session:" + session.ToString(CultureInfo.InvariantCulture)
            : throw RegistryError.Unauthorized();

    private static PackageStatus? ParseStatus(string value) => value switch
    {
        "default" => PackageStatus.Default,
        "hidden" => PackageStatus.Hidden,
        _ => throw RegistryError.Invalid("status", "does not have a valid value"),
    };
}
