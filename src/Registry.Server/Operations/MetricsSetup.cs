using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Registry.Schema.Diagnostics;
using Registry.Server.Access;

namespace Registry.Server.Operations;

/// <summary>
/// Prometheus text at <c>/-/metrics</c> (GitLab's path) through OpenTelemetry's exporter: ASP.NET Core's request
/// duration histogram (count and latency by route template, method and status), Kestrel's connections, the rate
/// limiter's, the runtime's GC, memory and thread-pool instruments, and the registry's own (<see cref="RegistryMetrics"/>).
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/-/metrics";

    public static IServiceCollection AddRegistryMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section))
            .Validate(o => o.Networks().Count >= 0).ValidateOnStart();
        services.AddSingleton<RegistryMetrics>();
        services.AddScoped<StoredTotalsCounter>();
        if (!configuration.GetSection(MetricsOptions.Section).GetValue(nameof(MetricsOptions.Enabled), true)) return services;
        var scope = new OwnMeters();
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("registry")).WithMetrics(metrics => metrics
            .AddMeter(RegistryMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.RateLimiting", "System.Runtime")
            // Meters of another host in the same process (tests start several) share these names: export only this
            // host's (its IMeterFactory is their scope) and the process-wide runtime's. Decided once per instrument.
            // The provider creates its instrumentation before it listens, so the scope is known in time.
            .AddInstrumentation(sp => scope.Factory = sp.GetRequiredService<IMeterFactory>())
            .AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, scope.Factory)
                ? null : MetricStreamConfiguration.Drop)
            // Every scrape sees the counts as they are (the exporter caches its answer for 300 ms by default).
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static IEndpointRouteBuilder MapRegistryMetrics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled) return app;
        var networks = options.Networks();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use((http, next) =>
        {
            if (IsAllowed(http.Connection.RemoteIpAddress, networks)) return next(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null).ExcludeFromDescription().Public("limited to Metrics:Networks by address");
        return app;
    }

    private sealed class OwnMeters
    {
        public IMeterFactory? Factory;
    }

    private static bool IsAllowed(IPAddress? address, IReadOnlyList<IPNetwork> networks)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in networks)
            if (network.Contains(address)) return true;
        return false;
    }
}
