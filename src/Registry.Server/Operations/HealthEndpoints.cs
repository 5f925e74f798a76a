using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Registry.Server.Access;

namespace Registry.Server.Operations;

/// <summary>
/// GitLab's probe paths: <c>/-/liveness</c> (the process answers), <c>/-/readiness</c> (database reachable,
/// migrations applied, storage reachable, not shutting down; 503 naming the failed check otherwise) and
/// <c>/-/health</c>. No authentication, and nothing in the bodies but statuses: why a check failed is logged by the
/// health-check service, not shown.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Checks tagged so are what readiness runs; the database provider adds its own.</summary>
    public const string ReadinessTag = "ready";

    /// <summary>How long one readiness check may take before it counts as failed (a load balancer waits for it).</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private const string ShuttingDownCheck = "shutdown";

    public static IHealthChecksBuilder AddRegistryHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<MigrationsHealthCheck>("migrations", HealthStatus.Unhealthy, [ReadinessTag], CheckTimeout)
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy, [ReadinessTag], CheckTimeout);

    public static IEndpointRouteBuilder MapRegistryHealth(this IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/-/liveness", methods, (HttpContext http) => WriteAsync(http, ok: true, []))
            .ExcludeFromDescription().Public("a health probe");
        app.MapMethods("/-/readiness", methods, Readiness).ExcludeFromDescription().Public("a health probe");
        app.MapMethods("/-/health", methods, () => Results.Text("GitLab OK", "text/plain")).ExcludeFromDescription().Public("a health probe");
        return app;
    }

    private static async Task Readiness(HttpContext http, HealthCheckService health, ShutdownDrain drain)
    {
        // A draining instance answers at once, so the load balancer stops sending before the listener closes.
        if (drain.IsDraining)
        {
            await WriteAsync(http, ok: false, [(ShuttingDownCheck, false)]);
            return;
        }
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ReadinessTag), http.RequestAborted);
        await WriteAsync(http, report.Status == HealthStatus.Healthy,
            report.Entries.Select(e => (e.Key, e.Value.Status == HealthStatus.Healthy)).ToList());
    }

    /// <summary>GitLab's shape: <c>{"status":"ok","db_check":[{"status":"ok"}],...}</c>, <c>failed</c> for a failure.</summary>
    private static async Task WriteAsync(HttpContext http, bool ok, IReadOnlyList<(string Name, bool Ok)> checks)
    {
        http.Response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", ok ? "ok" : "failed");
        foreach (var (name, checkOk) in checks)
        {
            json.WriteStartArray(name + "_check");
            json.WriteStartObject();
            json.WriteString("status", checkOk ? "ok" : "failed");
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }
}
