using Registry.Server.Responses;

namespace Registry.Server.OpenApi;

/// <summary>
/// What a route answers when it succeeds, declared where it is mapped, so <c>openapi.json</c> documents the real status
/// and body (GitLab's refusals are added to every operation by <see cref="OpenApiDocument"/>). A handler returning
/// <see cref="GitLabJson{T}"/> declares its 200 by itself; one that answers 201 or 204, or returns a plain
/// <see cref="IResult"/>, says so here:
/// <code>rules.MapPost("", Create).ProducesJson&lt;ProtectionRuleJson&gt;(StatusCodes.Status201Created);
/// rules.MapDelete("/{id}", Delete).ProducesNoContent();</code>
/// </summary>
public static class ResponseMetadata
{
    /// <summary>A JSON body of <typeparamref name="T"/> with exactly <c>Content-Type: application/json</c>, as GitLab's clients expect.</summary>
    public static RouteHandlerBuilder ProducesJson<T>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) =>
        route.Produces<T>(status, GitLabJson.ContentType);

    /// <summary>204 with no body: GitLab's answer to a delete.</summary>
    public static RouteHandlerBuilder ProducesNoContent(this RouteHandlerBuilder route) =>
        route.Produces(StatusCodes.Status204NoContent);

    /// <summary>The bytes of a stored file (downloads).</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder route) =>
        route.Produces(StatusCodes.Status200OK, typeof(byte[]), "application/octet-stream");
}
