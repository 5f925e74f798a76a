using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Registry.Schema.Identity;
using Registry.Server.Authentication;

namespace Registry.Server.Operations;

/// <summary>
/// ASP.NET Core's rate limiter, one fixed window per route class and caller, answering as GitLab's throttle does:
/// <c>429</c>, <c>Retry-After</c> in seconds, GitLab's <c>RateLimit-*</c> headers and the body <c>Retry later</c>.
/// </summary>
public static class RateLimitSetup
{
    public static IServiceCollection AddRegistryRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => new[] { o.SignIn, o.ApiRead, o.Upload }.All(l => l.Limit >= 0 && l.Period > TimeSpan.Zero),
                $"{RateLimitOptions.Section}: limits must be 0 or more and periods positive")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var settings = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (RouteClass, string)>(http =>
            {
                var routeClass = RouteClasses.Of(http.Request);
                var limit = settings.For(routeClass);
                if (!limit.Enabled) return RateLimitPartition.GetNoLimiter((RouteClass.Other, ""));
                return RateLimitPartition.GetFixedWindowLimiter((routeClass, CallerOf(http)), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.Limit, Window = limit.Period, QueueLimit = 0, AutoReplenishment = true,
                });
            });
            o.OnRejected = (context, ct) => RejectAsync(context.HttpContext, context.Lease, settings, ct);
        });
        return services;
    }

    /// <summary>Adds the limiter to the pipeline when some class is limited.</summary>
    public static IApplicationBuilder UseRegistryRateLimits(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!settings.Any) return app;
        app.Use(async (http, next) =>
        {
            await IdentifyCallerAsync(http, settings);
            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }

    private static readonly object CallerKey = new();

    /// <summary>
    /// A presented token counts as the caller only once it authenticates: counted per presented string, an anonymous
    /// flood sending a new made-up token each time got a fresh window (and a limiter in memory) per request. The
    /// result is the request's authentication (cached for the endpoints); the partition key is the token's digest,
    /// never the secret.
    /// </summary>
    private static async Task IdentifyCallerAsync(HttpContext http, RateLimitOptions settings)
    {
        if (!settings.For(RouteClasses.Of(http.Request)).Enabled) return;
        if (CredentialReader.Read(http.Request) is not { Token.Length: > 0 }) return;
        var auth = await http.AuthenticateRegistryAsync();
        if (auth.Outcome == AuthenticationOutcome.Authenticated && auth.Credentials is { Token: var token })
            http.Items[CallerKey] = "token:" + Convert.ToHexString(TokenSecrets.Digest(token));
    }

    /// <summary>The digest of an authenticated token (whatever its form), else the client's address.</summary>
    private static string CallerOf(HttpContext http) =>
        http.Items.TryGetValue(CallerKey, out var caller) && caller is string token
            ? token
            : "ip:" + http.Connection.RemoteIpAddress;

    private static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, RateLimitOptions settings, CancellationToken ct)
    {
        var routeClass = RouteClasses.Of(http.Request);
        var limit = settings.For(routeClass);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limit.Period;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var response = http.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "text/plain";
        response.Headers.RetryAfter = seconds;
        response.Headers["RateLimit-Name"] = routeClass switch
        {
            RouteClass.SignIn => "throttle_sign_in",
            RouteClass.Upload => "throttle_uploads",
            _ => "throttle_api",
        };
        response.Headers["RateLimit-Limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = "0";
        response.Headers["RateLimit-Reset"] = seconds;
        await response.WriteAsync("Retry later\n", ct);
    }
}
