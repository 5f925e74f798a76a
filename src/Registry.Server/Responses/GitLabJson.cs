using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Registry.Server.Responses;

/// <summary>
/// A JSON answer of the REST API as GitLab sends it: <c>Content-Type: application/json</c> exactly, without the
/// <c>charset</c> parameter ASP.NET Core adds (python-gitlab parses a body as JSON only under GitLab's header).
/// Every REST JSON body, errors included, is written through here.
/// </summary>
public sealed class GitLabJson<T>(T value, int statusCode) : IResult, IStatusCodeHttpResult, IValueHttpResult<T>, IValueHttpResult,
    IEndpointMetadataProvider
{
    public T Value => value;
    object? IValueHttpResult.Value => value;
    public int StatusCode => statusCode;
    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = statusCode;
        return http.Response.WriteAsJsonAsync(value, GitLabJson.Options(http), GitLabJson.ContentType, http.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [GitLabJson.ContentType]));
}

public static class GitLabJson
{
    public const string ContentType = "application/json";

    public static GitLabJson<T> Ok<T>(T value) => new(value, StatusCodes.Status200OK);

    public static GitLabJson<T> Status<T>(T value, int statusCode) => new(value, statusCode);

    internal static JsonSerializerOptions? Options(HttpContext http) =>
        http.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions;
}
