using GraphQL;
using GraphQL.Execution;
using GraphQLParser.AST;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL;

public static class RegistrySchemaSetup
{
    /// <summary>The domain services and the GraphQL schema (a singleton; resolvers take scoped services per request).</summary>
    public static IServiceCollection AddRegistryDomain(this IServiceCollection services)
    {
        services.AddSingleton<Caching.HotPathCache>();
        services.AddSingleton<Caching.WriteEpochInterceptor>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<Caching.WriteEpochInterceptor>());
        services.AddScoped<Authenticator>();
        services.AddScoped<Permissions>();
        services.AddScoped<ProjectLocator>();
        services.AddScoped<DirectoryQueries>();
        services.AddScoped<ResourceAccessTokens>();
        services.AddScoped<IdentityAdmin>();
        services.AddScoped<AdminActions>();
        services.AddScoped<Passwords>();
        services.AddScoped<SignInService>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<PackageAuthorizer>();
        services.AddScoped<PackagePublisher>();
        services.AddScoped<PublishRecorder>();
        services.AddSingleton<PublishBatcher>();
        services.AddScoped<Uploads.ResumableUploads>();
        services.AddSingleton<Uploads.UploadHashes>();
        services.AddScoped<PackageFinder>();
        services.AddSingleton<DownloadStatistics>();
        services.AddScoped<PackageQueries>();
        services.AddSingleton<OffsetPageReader>();
        services.AddScoped<PackageSettingsService>();
        services.AddScoped<PackageDestroyer>();
        services.AddScoped<PackageComparer>();
        services.AddSingleton<DestroySignal>();
        services.AddScoped<OrphanBlobCollector>();
        services.AddScoped<PackageFileVerifier>();
        services.AddScoped<Loading.RequestLoaders>();
        // Package lifecycle (issue 13): protection, cleanup policy, retention, content-addressed storage, audit.
        services.AddScoped<Audit.AuditContext>();
        services.AddScoped<Audit.AuditLog>();
        services.AddScoped<Audit.AuditEventQueries>();
        services.AddScoped<Access.ProjectMaintenance>();
        services.AddScoped<Lifecycle.PackageProtection>();
        services.AddScoped<Lifecycle.ProtectionRuleService>();
        services.AddScoped<Lifecycle.CleanupPolicyService>();
        services.AddScoped<Lifecycle.RetentionPlanner>();
        services.AddScoped<Lifecycle.RetentionRuleService>();
        services.AddScoped<Lifecycle.PackageLifecycleRunner>();
        services.AddScoped<Lifecycle.LeaseService>();
        services.AddSingleton<Lifecycle.InstanceIdentity>();
        services.AddScoped<Storage.ContentStore>();
        services.AddScoped<Storage.LegacyBlobMigrator>();
        services.AddScoped<Storage.StorageStatistics>();
        services.AddSingleton<Storage.StorageMetrics>();
        // Webhooks (issue 24).
        services.AddScoped<Hooks.PackageEventRecorder>();
        services.AddScoped<Hooks.WebHookService>();
        services.AddScoped<Hooks.ApplicationSettingsService>();
        services.AddSingleton<Hooks.HookSecrets>();
        services.AddSingleton<Hooks.UrlGuard>();
        services.AddSingleton<Hooks.HookSignal>();
        services.AddGraphQL(b => b
            .AddAutoSchema<Query>(s => s.WithMutation<Mutation>())
            .AddSystemTextJson()
            .AddGraphTypes(typeof(Query).Assembly)
            // Resolvers share the request's DbContext, which allows one operation at a time.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            // A package list with its files is about depth 8; anything far deeper or wider is refused before it runs.
            // Introspection (what an IDE asks first) is free: its size is the schema's, not the data's.
            .AddComplexityAnalyzer(o =>
            {
                o.MaxDepth = 15;
                o.MaxComplexity = 50_000;
                var measure = o.DefaultComplexityImpactDelegate;
                o.DefaultComplexityImpactDelegate = field =>
                    field.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal) || field.ParentType.Name.StartsWith("__", StringComparison.Ordinal)
                        ? new global::GraphQL.Validation.Complexity.FieldComplexityResult(0, 0)
                        : measure(field);
            })
            .ConfigureExecutionOptions(o =>
            {
                o.EnableMetrics = false;
                o.UnhandledExceptionDelegate = GraphQLErrors.TranslateUnhandled;
            }));
        return services;
    }
}
