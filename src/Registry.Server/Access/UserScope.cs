using Registry.Schema.Identity;

namespace Registry.Server.Access;

/// <summary>
/// The signed-in user a user-level route (<c>/user</c>, <c>/version</c>, the access-token routes) acts for, filled by
/// <see cref="RouteRequirements.RequireUser{TBuilder}"/>: a personal (or project or group access) token's user. No
/// credentials, an invalid one, a CI job token or a deploy token are 401, as GitLab, whose job and deploy tokens only
/// open the routes that allow them.
/// </summary>
public sealed class UserScope : RouteScope
{
    private User? _user;

    public User User => _user ?? throw new InvalidOperationException("The route has no RequireUser filter");

    public static ValueTask<UserScope?> BindAsync(HttpContext http) => ValueTask.FromResult<UserScope?>(new UserScope());

    internal static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var auth = await AuthenticateAndValidateAsync(context);
        if (auth.Outcome != AuthenticationOutcome.Authenticated || auth.Actor.Kind != ActorKind.User) throw RegistryError.Unauthorized();
        // A route may also take a project or group scope; this filter only guarantees that the caller is a user.
        if (context.Arguments.OfType<UserScope>().SingleOrDefault() is { } scope)
        {
            scope.Authentication = auth;
            scope._user = auth.Actor.User;
        }
        return await next(context);
    }
}
