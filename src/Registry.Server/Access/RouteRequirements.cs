using Registry.Schema.Access;
using Registry.Schema.Packages;

namespace Registry.Server.Access;

/// <summary>
/// One declaration of what a route (or a group of routes) needs, as Gitea's <c>reqPackageAccess(...)</c>: the filter
/// authenticates, validates, authorizes and looks up, then hands the handler its <see cref="ProjectScope"/> or
/// <see cref="GroupScope"/>. Each also records a <see cref="RouteAccess"/> in the endpoint's metadata, so that a test
/// finds any route that declares nothing; a route open to all says so with <see cref="Public{TBuilder}"/>.
/// </summary>
public static class RouteRequirements
{
    /// <summary>The caller must be allowed <paramref name="action"/> on the project <c>:id</c>.</summary>
    public static TBuilder RequireProject<TBuilder>(this TBuilder builder, ProjectAction action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess($"project: {action}"))
            .AddEndpointFilter((context, next) => ProjectScope.FilterAsync(context, next, action));

    /// <summary>The caller must be able to see the group <c>:id</c> (for <paramref name="action"/>'s status codes).</summary>
    public static TBuilder RequireGroup<TBuilder>(this TBuilder builder, GroupAction action = GroupAction.ReadPackages)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess($"group: {action}"))
            .AddEndpointFilter((context, next) => GroupScope.FilterAsync(context, next, action));

    /// <summary>Anyone may call, anonymously too; credentials, when presented, must be valid.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess("anyone, with valid credentials when presented"))
            .AddEndpointFilter(CallerScope.FilterAsync);

    /// <summary>The caller must be a signed-in user (not a CI job or deploy token); runs before any project or group filter.</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess("a signed-in user"))
            .AddEndpointFilter(UserScope.FilterAsync);

    /// <summary>Open to everyone, without a filter: <paramref name="why"/> says what guards it instead, if anything.</summary>
    public static TBuilder Public<TBuilder>(this TBuilder builder, string why) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteAccess("public: " + why));
}
