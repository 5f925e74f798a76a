using Microsoft.AspNetCore.Http.Features;
using Registry.Schema.Access;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Access;
using Registry.Server.Hosting;
using Registry.Server.OpenApi;
using Registry.Server.Requests;
using Registry.Server.Responses;

namespace Registry.Server.Generic;

/// <summary>
/// <c>/api/v4/projects/:id/packages/generic/:name/:version/(*path/):file_name</c>: PUT publishes, GET/HEAD download,
/// DELETE removes; without a file name GET lists (or zips) the version. <c>latest</c> as the version resolves to the
/// highest one. A thin layer over the domain services; each route's filter has authorized the caller.
/// </summary>
public static class GenericPackageEndpoints
{
    public static IEndpointRouteBuilder MapGenericPackages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v4/projects/{id}/packages/generic");
        // The filter runs before the body is read: with Expect: 100-continue a refusal costs no transfer.
        // 201 {"message":"201 Created"}, or 200 with the file's record for ?select=package_file.
        group.MapPut("/{**rest}", Publish).RequireProject(ProjectAction.PublishPackages)
            .ProducesJson<PublishedMessageJson>(StatusCodes.Status201Created).ProducesJson<PackageFileJson>();
        // The file's bytes, or a version's files as JSON (a zip with Accept: application/zip).
        group.MapMethods("/{**rest}", [HttpMethods.Get, HttpMethods.Head], Download).RequireProject(ProjectAction.ReadPackages)
            .ProducesFile();
        group.MapDelete("/{**rest}", Delete).RequireProject(ProjectAction.DeletePackages).ProducesNoContent();
        return app;
    }

    private static async Task<IResult> Publish(ProjectScope scope, GenericUpload upload, HttpContext http, PackagePublisher publisher)
    {
        var target = upload.Target;
        var command = new PublishCommand(scope.Actor, scope.Project, target.Name, target.Version, upload.FileName, upload.Status,
            http.Request.ContentLength, upload.Expected);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var result = await publisher.PublishAsync(command, RequestBodyStream.For(http), http.RequestAborted);
        return upload.SelectFile
            ? GitLabJson.Ok(PackageFileJson.From(result.Record))
            : GitLabJson.Status(PublishedMessageJson.Created, StatusCodes.Status201Created);
    }

    private static async Task<IResult> Download(ProjectScope scope, GenericTarget target, HttpContext http, PackageFinder finder, IBlobStore blobs)
    {
        var fileName = target.FileNameOrNull;
        var version = await finder.ResolveVersionAsync(scope.Project, target.Name, target.Version, fileName, http.RequestAborted);
        if (version != target.Version)
        {
            http.Response.Headers["X-Package-Version"] = version;
            http.Response.Headers.ContentLocation = PublicUrl.Root(http.Request) + GenericPath.Prefix + Uri.EscapeDataString(target.Path.ProjectId)
                + "/packages/generic/" + Uri.EscapeDataString(target.Name) + "/" + Uri.EscapeDataString(version)
                + (fileName is null ? "" : "/" + string.Join('/', target.Path.FileSegments.Select(Uri.EscapeDataString)));
        }

        if (fileName is null)
        {
            var files = await finder.FilesOfVersionAsync(scope.Project, target.Name, version, http.RequestAborted);
            if (!VersionArchive.WantsZip(http.Request)) return VersionArchive.Json(http.Request, files);
            if (HttpMethods.IsHead(http.Request.Method)) return Results.Ok();
            await VersionArchive.WriteZipAsync(http, blobs, target.Name, version, files);
            return Results.Empty;
        }
        var stored = await finder.FindFileAsync(scope.Project, target.Name, version, fileName, http.RequestAborted);
        return await FileDownload.ServeAsync(http, blobs, stored);
    }

    private static async Task<IResult> Delete(ProjectScope scope, GenericTarget target, PackageFinder finder, PackageDestroyer destroyer,
        CancellationToken ct)
    {
        var fileName = target.FileNameOrNull;
        var (packageId, fileIds) = await finder.IdsForDeleteAsync(scope.Project, target.Name, target.Version, fileName, ct);
        // Access was checked by the filter: a refusal here means a concurrent delete got there first.
        await RaceAsNotFound(fileName is null ? "Package" : "Package file", fileName is null
            ? destroyer.DestroyPackagesAsync(scope.Actor, [packageId], ct)
            : destroyer.DestroyFilesAsync(scope.Actor, fileIds, scope.Project.Id, ct));
        return Results.NoContent();
    }

    private static async Task RaceAsNotFound(string subject, Task destroy)
    {
        try { await destroy; }
        catch (RegistryError e) when (e.Kind == ErrorKind.NotFound) { throw RegistryError.NotFound(subject); }
    }
}
