using Registry.Schema;
using Registry.Schema.GraphQL;
using Registry.Schema.Storage;
using Registry.Server.AccessTokens;
using Registry.Server.Data;
using Registry.Server.Generic;
using Registry.Server.GraphQL;
using Registry.Server.Groups;
using Registry.Server.Hooks;
using Registry.Server.Ide;
using Registry.Server.Instance;
using Registry.Server.Lifecycle;
using Registry.Server.Middleware;
using Registry.Server.OpenApi;
using Registry.Server.Operations;
using Registry.Server.PackagesApi;
using Registry.Server.Projects;
using Registry.Server.Responses;
using Registry.Server.Storage;
using Registry.Server.Users;
using Registry.Server.Web;

namespace Registry.Server.Hosting;

/// <summary>Builds the registry host; <c>Program</c> and the tests start it the same way.</summary>
public static class RegistryApplication
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // appsettings.json lives at the repository root; a copy beside the binary serves when run from elsewhere.
        var besideBinary = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true, ReloadOnChange = false,
        };
        besideBinary.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, besideBinary);
        var registryOptions = builder.Configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.RequestHeadersTimeout = registryOptions.RequestHeadersTimeout;
        });
        // The host's own stop timeout must outlast the uploads' grace period, or it cuts them off first.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = registryOptions.ShutdownGracePeriod + TimeSpan.FromSeconds(10));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://localhost:5000");

        // A Degraded check (only the storage check answers it, and it logs the outage itself, once a minute) would be a
        // warning on every readiness probe; Unhealthy ones (the database) stay errors.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error);
        var services = builder.Services;
        // Kestrel reads request bodies and writes responses in blocks of its pool: 64 KiB ones instead of 4 KiB.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        services.AddOptions<RegistryOptions>().Bind(builder.Configuration.GetSection(RegistryOptions.Section))
            .Validate(o => o.ExternalUrl is null || (o.ExternalUrl.IsAbsoluteUri && o.ExternalUrl.Scheme is "http" or "https"
                    && o.ExternalUrl is { Query: "", Fragment: "", UserInfo: "" }),
                $"{RegistryOptions.Section}:ExternalUrl must be an absolute http or https URL without query, fragment or user")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddRegistryDatabase(builder.Configuration);
        services.AddRegistryStorage(builder.Configuration);
        services.AddRegistryDomain();
        services.AddHostedService<DestroyedFileSweeper>();
        services.AddHostedService<LifecycleScheduler>();
        services.AddSingleton<ContentMigrationService>();
        services.AddHostedService(sp => sp.GetRequiredService<ContentMigrationService>());
        services.AddHostedService<OperationsSweeper>();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        services.AddRegistryHooks(builder.Configuration);
        services.AddRegistryHealthChecks();
        services.AddRegistryMetrics(builder.Configuration);
        services.AddRegistryRateLimits(builder.Configuration);
        services.AddRegistryOpenApi();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseStrictTransportSecurity();
        app.UseRegistryRateLimits();
        app.UseMiddleware<ShutdownDrainMiddleware>();
        app.UseMiddleware<RawApiPathMiddleware>();
        // Route after the raw path is restored; without this call WebApplication routes first, on the path with
        // dot segments already collapsed, and `generic/%2e%2e/...` never reaches the generic endpoints.
        app.UseRouting();
        app.Use(RestErrors.Middleware);
        app.Use(AuditRequest.Middleware);
        app.Use(ApiFallback.Middleware);
        app.MapGenericPackages();
        app.MapTusUploads();
        app.MapPackagesApi();
        app.MapProtectionRules();
        app.MapRetention();
        app.MapProjects();
        app.MapGroups();
        app.MapUsers();
        app.MapInstance();
        app.MapAccessTokens();
        app.MapHooks();
        app.MapBananaCakePop("/graphql", "/api/graphql");
        app.MapGraphQLEndpoint("/api/graphql", "/graphql");
        app.MapRegistryHealth();
        app.MapRegistryMetrics();
        app.MapRegistryOpenApi();
        app.MapSignIn();
        app.MapWebUi();
        return app;
    }
}
