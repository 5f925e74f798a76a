using GraphQL;
using GraphQL.Instrumentation;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.GraphQL;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.Access;

/// <summary>
/// Enforces what a field declares with a <see cref="FieldAccessAttribute"/>, before its resolver runs: a query field
/// answers null to a caller who may not use it, a mutation answers the refusal in its payload's <c>errors</c>
/// (GitLab's convention, as <see cref="GraphQLErrors.RunMutationAsync{TPayload}"/>). A declaration installs it on its
/// own field only, so fields without one (those of the nodes) run as they are.
/// </summary>
public sealed class FieldAccessMiddleware : IFieldMiddleware
{
    private const string CheckedProjectKey = "registry:checked-project:";
    private const string CheckedGroupKey = "registry:checked-group:";

    /// <summary>Stateless: one instance serves every field that declares its access.</summary>
    public static readonly FieldAccessMiddleware Instance = new();

    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        if (context.FieldDefinition.GetMetadata<FieldAccess?>(FieldAccess.MetadataKey) is not { } access) return await next(context);
        var user = (RegistryUserContext)context.UserContext;
        try
        {
            if (!await AllowsAsync(context, user, access)) return null;
        }
        catch (RegistryError e) when (access.PayloadType is not null)
        {
            var payload = (MutationPayload)Activator.CreateInstance(access.PayloadType)!;
            payload.ClientMutationId = Input(context) is MutationInput input ? input.ClientMutationId : null;
            payload.Errors = [.. e.Messages];
            return payload;
        }
        return await next(context);
    }

    /// <summary>Whether the field may run; false (a query field's null) or a <see cref="RegistryError"/> (a mutation's refusal).</summary>
    private static async Task<bool> AllowsAsync(IResolveFieldContext context, RegistryUserContext user, FieldAccess access)
    {
        var actor = user.Actor;
        var mutation = access.PayloadType is not null;
        switch (access.Kind)
        {
            case FieldAccessKind.Anyone or FieldAccessKind.CheckedByService:
                return true;
            case FieldAccessKind.ApiWriter:
                actor.RequireApiWriter();
                return true;
            case FieldAccessKind.Admin:
                if (AccessRules.IsAdministrator(actor, write: mutation)) return true;
                return mutation ? throw RegistryError.Forbidden(access.DeniedMessage ?? RegistryError.ResourceNotAvailable, restDetail: true) : false;
            case FieldAccessKind.Project when context.Source is ProjectNode node:
                return (await context.RequestServices!.GetRequiredService<Permissions>().ForProjectAsync(actor, node.Entity, context.CancellationToken)).Allows(access.Action);
            case FieldAccessKind.Group when context.Source is GroupNode group:
                return actor.Kind == ActorKind.User && await context.RequestServices!.GetRequiredService<Permissions>()
                    .NamespaceRoleAsync(actor.User, group.Entity, context.CancellationToken) >= access.GroupRole;
            case FieldAccessKind.Project when Input(context) is IProjectPathInput { ProjectPath: var path }:
                var services = context.RequestServices!;
                var ct = context.CancellationToken;
                Project project;
                if (access.Action == ProjectAction.Maintain)
                    project = await services.GetRequiredService<ProjectMaintenance>().FindAsync(actor, path, ct);
                else if (access.Action == ProjectAction.View)
                    project = await services.GetRequiredService<ProjectLocator>().FindProjectAsync(path, ct) is { } found
                        && await services.GetRequiredService<Permissions>().CanSeeProjectAsync(actor, found, ct)
                            ? found : throw RegistryError.NotFound("Project", "Project not found");
                else
                    throw new InvalidOperationException($"{context.FieldDefinition.Name}: a mutation checks View or Maintain on its projectPath");
                user[CheckedProjectKey + context.Path.Last()] = project;
                return true;
            case FieldAccessKind.ProjectOrGroup when Input(context) is IProjectOrGroupPathInput input:
                await CheckProjectOrGroupAsync(context, user, input);
                return true;
            default:
                throw new InvalidOperationException($"{context.FieldDefinition.Name} declares {access.Kind} access it has nothing to check on");
        }
    }

    /// <summary>Finds the project or the group the input names and keeps it for the resolver, or answers "not found".</summary>
    private static async Task CheckProjectOrGroupAsync(IResolveFieldContext context, RegistryUserContext user, IProjectOrGroupPathInput input)
    {
        if ((input.ProjectPath is null) == (input.GroupPath is null)) throw RegistryError.BadRequest("Give exactly one of projectPath and groupPath");
        var services = context.RequestServices!;
        var locator = services.GetRequiredService<ProjectLocator>();
        var permissions = services.GetRequiredService<Permissions>();
        var ct = context.CancellationToken;
        if (input.ProjectPath is { } path)
        {
            var project = await locator.FindProjectAsync(path, ct);
            if (project is null || !await permissions.CanSeeProjectAsync(user.Actor, project, ct)) throw RegistryError.NotFound("Project");
            user[CheckedProjectKey + context.Path.Last()] = project;
        }
        else
        {
            var group = await locator.FindGroupAsync(input.GroupPath!, ct);
            if (group is null || !await permissions.CanSeeNamespaceAsync(user.Actor, group, ct)) throw RegistryError.NotFound("Group");
            user[CheckedGroupKey + context.Path.Last()] = group;
        }
    }

    /// <summary>The project the middleware checked for this field (<see cref="FromCheckedProjectAttribute"/>).</summary>
    internal static Project? CheckedProject(IResolveFieldContext context) =>
        ((RegistryUserContext)context.UserContext).TryGetValue(CheckedProjectKey + context.Path.Last(), out var project) && project is Project p ? p
        : DeclaresProjectOrGroup(context) ? null
        : throw new InvalidOperationException($"{context.FieldDefinition.Name} takes a checked project but declares no [RequiresProject]");

    /// <summary>The group the middleware checked for this field (<see cref="FromCheckedGroupAttribute"/>).</summary>
    internal static Namespace? CheckedGroup(IResolveFieldContext context) =>
        ((RegistryUserContext)context.UserContext).TryGetValue(CheckedGroupKey + context.Path.Last(), out var group) && group is Namespace g ? g
        : DeclaresProjectOrGroup(context) ? null
        : throw new InvalidOperationException($"{context.FieldDefinition.Name} takes a checked group but declares no [RequiresProjectOrGroup]");

    private static bool DeclaresProjectOrGroup(IResolveFieldContext context) =>
        context.FieldDefinition.GetMetadata<FieldAccess?>(FieldAccess.MetadataKey)?.Kind == FieldAccessKind.ProjectOrGroup;

    private static object? Input(IResolveFieldContext context) =>
        context.Arguments is { } arguments && arguments.TryGetValue("input", out var input) ? input.Value : null;
}

/// <summary>A mutation input that names its project by <c>projectPath</c>, for <see cref="RequiresProjectAttribute"/>.</summary>
public interface IProjectPathInput
{
    string ProjectPath { get; }
}

/// <summary>A mutation input that names a project by <c>projectPath</c> or a group by <c>groupPath</c>, for <see cref="RequiresProjectOrGroupAttribute"/>.</summary>
public interface IProjectOrGroupPathInput
{
    string? ProjectPath { get; }
    string? GroupPath { get; }
}
