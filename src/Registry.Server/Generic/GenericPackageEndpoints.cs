using Microsoft.AspNetCore.Http.Features;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Authentication;

namespace Registry.Server.Generic;

/// <summary>
/// <c>PUT|GET|HEAD /api/v4/projects/:id/packages/generic/:name/:version/(*path/):file_name</c>: a thin layer over
/// <see cref="PackagePublisher"/> and <see cref="PackageFinder"/>.
/// </summary>
public static class GenericPackageEndpoints
{
    public static IEndpointRouteBuilder MapGenericPackages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v4/projects/{id}/packages/generic");
        group.MapPut("/{**rest}", Publish);
        group.MapMethods("/{**rest}", [HttpMethods.Get, HttpMethods.Head], Download);
        return app;
    }

    private static async Task<IResult> Publish(HttpContext http, PackageAuthorizer authorizer, PackagePublisher publisher)
    {
        // Everything below runs before the body is read: with Expect: 100-continue a refusal costs no transfer.
        var auth = await http.AuthenticateRegistryAsync();
        if (auth.Outcome == AuthenticationOutcome.Invalid || auth.Actor.Kind == ActorKind.Anonymous) throw RegistryProblem.Unauthorized();
        var path = GenericPath.Parse(http);
        PackageNameRules.Validate(path.Name, path.Version);
        var fileName = PackageNameRules.ValidateFilePath(path.FileSegments);
        var status = ParseStatus(http.Request.Query["status"]);
        var selectFile = ParseSelect(http.Request.Query["select"]);
        var (project, _) = await authorizer.AuthorizeAsync(auth, path.ProjectId, PackageAction.Publish, http.RequestAborted);

        var command = new PublishCommand(project, path.Name, path.Version, fileName, status, http.Request.ContentLength);
        await publisher.CheckBeforeBodyAsync(command, http.RequestAborted);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var record = await publisher.PublishAsync(command, http.Request.Body, http.RequestAborted);
        return selectFile
            ? Results.Json(PackageFileJson.From(record), statusCode: StatusCodes.Status200OK)
            : Results.Json(new { message = "201 Created" }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Download(HttpContext http, PackageAuthorizer authorizer, PackageFinder finder, IBlobStore blobs)
    {
        var path = GenericPath.Parse(http);
        PackageNameRules.Validate(path.Name, path.Version);
        var fileName = PackageNameRules.ValidateFilePath(path.FileSegments);
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, path.ProjectId, PackageAction.Read, http.RequestAborted);
        var stored = await finder.FindFileAsync(project, path.Name, path.Version, fileName, http.RequestAborted);
        return await FileDownload.ServeAsync(http, blobs, stored);
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
