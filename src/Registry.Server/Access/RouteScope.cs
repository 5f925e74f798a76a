using Registry.Schema.Identity;
using Registry.Server.Authentication;
using Registry.Server.Requests;

namespace Registry.Server.Access;

/// <summary>What every scoped route starts with: who is asking, and the route's arguments checked in GitLab's order.</summary>
public abstract class RouteScope
{
    public AuthenticationResult Authentication { get; protected set; } = AuthenticationResult.None;
    public Actor Actor => Authentication.Actor;

    /// <summary>
    /// Authenticates (anything but GET and HEAD needs a valid credential: 401 before anything else, as GitLab's
    /// <c>authenticate_non_get!</c>), then raises what is wrong with the route's arguments: before the resource is
    /// looked up, so 400 precedes 404/403.
    /// </summary>
    protected static async Task<AuthenticationResult> AuthenticateAndValidateAsync(EndpointFilterInvocationContext context)
    {
        var http = context.HttpContext;
        var auth = await http.AuthenticateRegistryAsync();
        // Before anything else, reads of public things included: GitLab's API guard refuses a blocked user outright.
        if (auth.Outcome == AuthenticationOutcome.Blocked) throw AuthenticationResult.BlockedError();
        var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (write && (auth.Outcome == AuthenticationOutcome.Invalid || auth.Actor.Kind == ActorKind.Anonymous))
            throw RegistryError.Unauthorized();
        foreach (var argument in context.Arguments)
            if (argument is IRouteArguments arguments) arguments.Validate();
        return auth;
    }
}
