using Registry.Schema.Identity;
using Registry.Server.Generic;
using Registry.Server.Hosting;

using Registry.Server.Access;
using Registry.Server.EntityJson;
using Registry.Server.OpenApi;
using Registry.Server.Responses;
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
        // GitLab's administrator routes (authenticated_as_admin!); AdminActions refuses everyone else with 403.
        app.MapPost("/api/v4/users/{id}/block", Block).RequireUser().ProducesJson<bool>(StatusCodes.Status201Created);
        app.MapPost("/api/v4/users/{id}/unblock", Unblock).RequireUser().ProducesJson<bool>(StatusCodes.Status201Created);
        app.MapDelete("/api/v4/users/{id}", Delete).RequireUser().ProducesNoContent();
        return app;
    }

    /// <summary>GitLab's <c>:id</c> is a number; anything else names no user (404, as GitLab's lookup).</summary>
    private static AdminTarget Target(string id) =>
        AdminTarget.ById(long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0);

    private static async Task<GitLabJson<bool>> Block(UserScope scope, string id, HttpContext http, AdminActions admin)
    {
        await admin.BlockAsync(scope.Actor, Target(id), http.RequestAborted);
        return GitLabJson.Status(true, StatusCodes.Status201Created);
    }

    private static async Task<GitLabJson<bool>> Unblock(UserScope scope, string id, HttpContext http, AdminActions admin)
    {
        await admin.UnblockAsync(scope.Actor, Target(id), http.RequestAborted);
        return GitLabJson.Status(true, StatusCodes.Status201Created);
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.NoContent> Delete(UserScope scope, string id, HttpContext http, AdminActions admin)
    {
        await admin.DeleteUserAsync(scope.Actor, Target(id), http.RequestAborted);
        return TypedResults.NoContent();
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
