using Registry.Server.Access;
using Registry.Server.OpenApi;
using Registry.Server.Responses;

namespace Registry.Server.Instance;

/// <summary>
/// GitLab's <c>GET /metadata</c> and its older alias <c>GET /version</c> (the same answer): for signed-in users, as
/// GitLab. Clients call them first to learn what they talk to. There is no agent server (KAS) and no enterprise edition.
/// </summary>
public static class InstanceEndpoints
{
    public static IEndpointRouteBuilder MapInstance(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/metadata", Metadata).RequireUser().ProducesJson<Dictionary<string, object?>>();
        app.MapGet("/api/v4/version", Metadata).RequireUser().ProducesJson<Dictionary<string, object?>>();
        return app;
    }

    private static IResult Metadata() => GitLabJson.Ok(new Dictionary<string, object?>
    {
        ["version"] = GitLabCompatibility.Version,
        ["revision"] = GitLabCompatibility.Revision,
        ["kas"] = new Dictionary<string, object?> { ["enabled"] = false, ["externalUrl"] = null, ["externalK8sProxyUrl"] = null, ["version"] = null },
        ["enterprise"] = false,
    });
}
