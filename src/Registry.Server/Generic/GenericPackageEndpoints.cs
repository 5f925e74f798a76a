using Microsoft.AspNetCore.Http.Features;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Authentication;
using Registry.Server.Hosting;

namespace Registry.Server.Generic;

/// <summary>
/// <c>/api/v4/projects/:id/packages/generic/:name/:version/(*path/):file_name</c>: PUT publishes, GET/HEAD download,
/// DELETE removes; without a file name GET lists (or zips) the version. <c>latest</c> as the version resolves to the
/// highest one. A thin layer over the domain services.
/// </summary>
public static class GenericPackageEndpoints
{
    public static IEndpointRouteBuilder MapGenericPackages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v4/projects/{id}/packages/generic");
        group.MapPut("/{**rest}", Publish);
        group.MapMethods("/{**rest}", [HttpMethods.Get, HttpMethods.Head], Download);
        group.MapDelete("/{**rest}", Delete);
        return app;
    }

    private static async Task<IResult> Publish(HttpContext http, PackageAuthorizer authorizer, PackagePublisher publisher)
    {
        // Everything up to PublishAsync's first read runs before the body is read: with Expect: 100-continue a
        // refusal costs no transfer.
        var auth = await http.AuthenticateRegistryAsync();
        if (auth.Outcome == AuthenticationOutcome.Invalid || auth.Actor.Kind == ActorKind.Anonymous) throw RegistryProblem.Unauthorized();
        var (path, fileName) = ReadTarget(http, requireFile: true);
        var status = ParseStatus(http.Request.Query["status"]);
        var selectFile = ParseSelect(http.Request.Query["select"]);
        var expected = DigestHeaders.Read(http.Request);
        var (project, _) = await authorizer.AuthorizeAsync(auth, path.ProjectId, PackageAction.Publish, http.RequestAborted);

        var command = new PublishCommand(project, path.Name, path.Version, fileName!, status, http.Request.ContentLength, expected);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var result = await publisher.PublishAsync(command, http.Request.Body, http.RequestAborted);
        return selectFile
            ? Results.Json(PackageFileJson.From(result.Record), statusCode: StatusCodes.Status200OK)
            : Results.Json(new { message = "201 Created" }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Download(HttpContext http, PackageAuthorizer authorizer, PackageFinder finder, IBlobStore blobs)
    {
        var (path, fileName) = ReadTarget(http, requireFile: false);
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, path.ProjectId, PackageAction.Read, http.RequestAborted);
        var version = await finder.ResolveVersionAsync(project, path.Name, path.Version, fileName, http.RequestAborted);
        if (version != path.Version)
        {
            http.Response.Headers["X-Package-Version"] = version;
            http.Response.Headers.ContentLocation = PublicUrl.Root(http.Request) + GenericPath.Prefix + Uri.EscapeDataString(path.ProjectId) + "/packages/generic/"
                + Uri.EscapeDataString(path.Name) + "/" + Uri.EscapeDataString(version)
                + (fileName is null ? "" : "/" + string.Join('/', path.FileSegments.Select(Uri.EscapeDataString)));
        }

        if (fileName is null)
        {
            var files = await finder.FilesOfVersionAsync(project, path.Name, version, http.RequestAborted);
            if (!VersionArchive.WantsZip(http.Request)) return VersionArchive.Json(http.Request, files);
            if (HttpMethods.IsHead(http.Request.Method)) return Results.Ok();
            await VersionArchive.WriteZipAsync(http, blobs, path.Name, version, files);
            return Results.Empty;
        }
        var stored = await finder.FindFileAsync(project, path.Name, version, fileName, http.RequestAborted);
        return await FileDownload.ServeAsync(http, blobs, stored);
    }

    private static async Task<IResult> Delete(HttpContext http, PackageAuthorizer authorizer, PackageFinder finder, PackageDestroyer destroyer)
    {
        var (path, fileName) = ReadTarget(http, requireFile: false);
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, path.ProjectId, PackageAction.Delete, http.RequestAborted);
        var (packageId, fileIds) = await finder.IdsForDeleteAsync(project, path.Name, path.Version, fileName, http.RequestAborted);
        try
        {
            if (fileName is null) await destroyer.DestroyPackagesAsync(auth.Actor, [packageId], http.RequestAborted);
            else await destroyer.DestroyFilesAsync(auth.Actor, fileIds, project.Id, http.RequestAborted);
        }
        catch (AdminError)
        {
            // Access was checked above; a refusal here means a concurrent delete got there first.
            throw RegistryProblem.NotFound(fileName is null ? "Package" : "Package file");
        }
        return Results.NoContent();
    }

    /// <summary>The URL's coordinates, validated; the file name (with its folders) is null when the URL names none.</summary>
    private static (GenericPath Path, string? FileName) ReadTarget(HttpContext http, bool requireFile)
    {
        var path = GenericPath.Parse(http, requireFile);
        PackageNameRules.Validate(path.Name, path.Version);
        return (path, path.FileSegments.Count == 0 ? null : PackageNameRules.ValidateFilePath(path.FileSegments));
    }

    private static PackageStatus? ParseStatus(string? value) => value switch
    {
        null => null,
        "default" => PackageStatus.Default,
        "hidden" => PackageStatus.Hidden,
        _ => throw RegistryProblem.Invalid("status", "does not have a valid value"),
    };

    private static bool ParseSelect(string? value) => value switch
    {
        null => false,
        "package_file" => true,
        _ => throw RegistryProblem.Invalid("select", "does not have a valid value"),
    };
}
