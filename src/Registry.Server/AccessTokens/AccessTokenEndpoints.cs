using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Server.Access;
using Registry.Server.EntityJson;
using Registry.Server.OpenApi;
using Registry.Server.PackagesApi;
using Registry.Server.Responses;

namespace Registry.Server.AccessTokens;

/// <summary>
/// GitLab's project and group access token API: <c>GET|POST /projects/:id/access_tokens</c>,
/// <c>GET|DELETE /projects/:id/access_tokens/:token_id</c> and the same under <c>/groups/:id</c>. Personal tokens of
/// people only (a job, deploy or access token is 401); the rules and GitLab's answers are in <see cref="ResourceAccessTokens"/>.
/// </summary>
public static class AccessTokenEndpoints
{
    private static readonly IReadOnlyDictionary<string, bool?> States = new Dictionary<string, bool?> { ["active"] = true, ["inactive"] = false };

    public static IEndpointRouteBuilder MapAccessTokens(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/api/v4/projects/{id}/access_tokens").RequireUser().RequireProject(ProjectAction.View),
            (ProjectScope s) => TokenResource.Of(s.Project));
        Map(app.MapGroup("/api/v4/groups/{id}/access_tokens").RequireUser().RequireGroup(GroupAction.View),
            (GroupScope s) => TokenResource.Of(s.Group));
        return app;
    }

    /// <summary>The four routes, once for each resource kind; <paramref name="resourceOf"/> reads the route's scope.</summary>
    private static void Map<TScope>(RouteGroupBuilder routes, Func<TScope, TokenResource> resourceOf) where TScope : RouteScope
    {
        routes.MapGet("", (TScope s, OffsetPagination paging, HttpContext http, ResourceAccessTokens tokens, TimeProvider clock) =>
            ListAsync(resourceOf(s), s.Actor, paging, http, tokens, clock)).ProducesJson<List<GitLabEntity>>();
        routes.MapGet("/{token_id}", (TScope s, HttpContext http, ResourceAccessTokens tokens, TimeProvider clock) =>
            GetAsync(resourceOf(s), s.Actor, http, tokens, clock)).ProducesJson<GitLabEntity>();
        routes.MapPost("", (TScope s, CreateAccessTokenRequest body, HttpContext http, ResourceAccessTokens tokens, TimeProvider clock) =>
            CreateAsync(resourceOf(s), s.Actor, body, http, tokens, clock)).ProducesJson<GitLabEntity>(StatusCodes.Status201Created);
        routes.MapDelete("/{token_id}", (TScope s, HttpContext http, ResourceAccessTokens tokens) =>
            RevokeAsync(resourceOf(s), s.Actor, http, tokens)).ProducesNoContent();
    }

    private static async Task<IResult> ListAsync(TokenResource resource, Actor actor, OffsetPagination paging, HttpContext http,
        ResourceAccessTokens tokens, TimeProvider clock)
    {
        var state = QueryParameters.OneOf(http.Request.Query, "state", null, States);
        var list = await tokens.ListAsync(actor, resource, state, http.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        return GitLabJson.Ok(paging.Apply(http, list).Select(t => AccessTokenJson.From(t, now)).ToList());
    }

    private static async Task<IResult> GetAsync(TokenResource resource, Actor actor, HttpContext http, ResourceAccessTokens tokens, TimeProvider clock)
    {
        var token = await tokens.GetAsync(actor, resource, TokenId(http, resource), http.RequestAborted);
        return GitLabJson.Ok(AccessTokenJson.From(token, clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<IResult> CreateAsync(TokenResource resource, Actor actor, CreateAccessTokenRequest body, HttpContext http,
        ResourceAccessTokens tokens, TimeProvider clock)
    {
        var (token, secret) = await tokens.CreateAsync(actor, resource, body.Name, body.Scopes, body.AccessLevel, body.ExpiresAt, http.RequestAborted);
        return GitLabJson.Status(AccessTokenJson.From(token, clock.GetUtcNow().UtcDateTime, secret), StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAsync(TokenResource resource, Actor actor, HttpContext http, ResourceAccessTokens tokens)
    {
        await tokens.RevokeAsync(actor, resource, TokenId(http, resource), http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>GitLab takes <c>:token_id</c> as a string and finds nothing for one that is not a number.</summary>
    private static long TokenId(HttpContext http, TokenResource resource) =>
        long.TryParse(http.Request.RouteValues["token_id"] as string, System.Globalization.NumberStyles.None, null, out var id)
            ? id : throw RegistryError.NotFound($"{resource.Kind} Access Token");
}
