namespace Registry.Server.Operations;

/// <summary>
/// The <c>Registry:RateLimits</c> section: one fixed window per route class (<see cref="RouteClass"/>), counted per
/// token or, without one, per client address. A class whose <see cref="RateLimit.Limit"/> is 0 (the default) is not
/// limited; with no class limited the rate limiter is not even in the pipeline.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Registry:RateLimits";

    /// <summary>POSTs of the web UI's sign-in form, per client address.</summary>
    public RateLimit SignIn { get; set; } = new();

    /// <summary>Everything else under <c>/api/</c> and <c>/graphql</c>: downloads, lists, GraphQL.</summary>
    public RateLimit ApiRead { get; set; } = new();

    /// <summary>PUTs under <c>/api/</c>: publishing files.</summary>
    public RateLimit Upload { get; set; } = new();

    public RateLimit For(RouteClass routeClass) => routeClass switch
    {
        RouteClass.SignIn => SignIn,
        RouteClass.ApiRead => ApiRead,
        RouteClass.Upload => Upload,
        _ => RateLimit.None,
    };

    public bool Any => SignIn.Enabled || ApiRead.Enabled || Upload.Enabled;
}

public sealed class RateLimit
{
    public static readonly RateLimit None = new();

    /// <summary>Requests allowed per <see cref="Period"/> for one token or address; 0 = unlimited.</summary>
    public int Limit { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => Limit > 0;
}
