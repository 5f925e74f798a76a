using Registry.Schema.Identity;

namespace Registry.Server.Access;

/// <summary>
/// Whoever asks a route open to everyone (GitLab's <c>GET /projects</c> and <c>/groups</c>): anonymous callers are
/// welcome and see public things, presented credentials must be valid (401 otherwise). Filled by
/// <see cref="RouteRequirements.RequireCaller{TBuilder}"/>.
/// </summary>
public sealed class CallerScope : RouteScope
{
    public static ValueTask<CallerScope?> BindAsync(HttpContext http) => ValueTask.FromResult<CallerScope?>(new CallerScope());

    internal static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var auth = await AuthenticateAndValidateAsync(context);
        if (auth.Outcome == AuthenticationOutcome.Invalid) throw RegistryError.Unauthorized();
        if (context.Arguments.OfType<CallerScope>().SingleOrDefault() is { } scope) scope.Authentication = auth;
        return await next(context);
    }
}
