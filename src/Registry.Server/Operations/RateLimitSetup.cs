using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
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
        if (app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.Any) app.UseRateLimiter();
        return app;
    }

    /// <summary>The token the request presents (whatever its form), else the client's address.</summary>
    private static string CallerOf(HttpContext http) =>
        CredentialReader.Read(http.Request) is { Token.Length: > 0 } credentials
            ? "token:" + credentials.Token
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
