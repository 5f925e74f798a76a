namespace Registry.Server.Operations;

/// <summary>The kinds of request that operations treat differently (rate limits, shutdown), told from method and path alone.</summary>
public enum RouteClass { Other, SignIn, ApiRead, Upload }

public static class RouteClasses
{
    /// <summary>
    /// Uploads are PUTs under <c>/api/</c>; every other <c>/api/</c> or <c>/graphql</c> request is an API read (GraphQL
    /// mutations included: they are small); the web UI's sign-in form is its own class; the rest (pages, probes,
    /// metrics) is neither limited nor drained.
    /// </summary>
    public static RouteClass Of(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/api", StringComparison.Ordinal))
            return HttpMethods.IsPut(request.Method) ? RouteClass.Upload : RouteClass.ApiRead;
        if (path.StartsWithSegments("/graphql", StringComparison.Ordinal)) return RouteClass.ApiRead;
        if (HttpMethods.IsPost(request.Method) && path.StartsWithSegments("/users/sign_in", StringComparison.OrdinalIgnoreCase))
            return RouteClass.SignIn;
        return RouteClass.Other;
    }
}
