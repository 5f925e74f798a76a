using Registry.Server.Entities;
using Registry.Server.Generic;
using Registry.Server.Hosting;
using Registry.Server.Http;

namespace Registry.Server.Users;

/// <summary>
/// GitLab's <c>GET /user</c>: the token's user (a project or group access token's bot included), as GitLab's
/// <c>UserPublic</c> (<c>UserWithAdmin</c> for administrators). CI job and deploy tokens are 401, as in GitLab.
/// </summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/user", Current).RequireUser().ProducesJson<GitLabEntity>();
        return app;
    }

    private static IResult Current(UserScope scope, HttpContext http)
    {
        var user = scope.User;
        var json = new DirectoryJson(PublicUrl.Root(http.Request), new Schema.Identity.FullNames(new Dictionary<string, string>())).User(user);
        json["created_at"] = PackageFileJson.Timestamp(user.CreatedAt);
        json["bot"] = user.IsBot;
        // No e-mail addresses are kept here.
        json["public_email"] = null;
        json["email"] = null;
        json["can_create_group"] = !user.IsBot;
        json["can_create_project"] = !user.IsBot;
        if (user.IsAdmin)
        {
            json["is_admin"] = true;
            json["namespace_id"] = user.NamespaceId;
        }
        return GitLabJson.Ok(json);
    }
}
