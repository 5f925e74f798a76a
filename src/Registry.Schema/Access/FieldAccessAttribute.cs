using System.Reflection;
using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.Packages;

namespace Registry.Schema.Access;

/// <summary>
/// Declares on a GraphQL field what the caller needs, in one line, as <c>RequireProject(...)</c> does on a REST route.
/// The declaration goes into the field's metadata; <see cref="FieldAccessMiddleware"/> enforces it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property)]
public abstract class FieldAccessAttribute : GraphQLAttribute
{
    protected abstract FieldAccess Access { get; }

    public override void Modify(FieldType fieldType, bool isInputType, IGraphType graphType, MemberInfo memberInfo, ref bool ignore)
    {
        base.Modify(fieldType, isInputType, graphType, memberInfo, ref ignore);
        var returned = memberInfo is MethodInfo method ? method.ReturnType : null;
        if (returned is { IsGenericType: true } && returned.GetGenericTypeDefinition() == typeof(Task<>)) returned = returned.GetGenericArguments()[0];
        var payload = returned is not null && typeof(MutationPayload).IsAssignableFrom(returned) ? returned : null;
        fieldType.Metadata[FieldAccess.MetadataKey] = Access with { PayloadType = payload };
        // On this field alone: the fields that declare nothing (a node's plain values) pay nothing.
        fieldType.ApplyMiddleware(FieldAccessMiddleware.Instance);
    }
}

/// <summary>Open to everyone: the field answers each caller with what they may see.</summary>
public sealed class AnyoneAttribute : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.Anyone);
}

/// <summary>A signed-in user with a token that may write through the API.</summary>
public sealed class RequiresApiWriterAttribute : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.ApiWriter);
}

/// <summary>An administrator; a query field answers others null, a mutation answers <paramref name="deniedMessage"/>.</summary>
public sealed class RequiresAdminAttribute(string? deniedMessage = null) : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.Admin, DeniedMessage: deniedMessage);
}

/// <summary>
/// <paramref name="action"/> on the project: a field of a project answers null to others; a mutation whose input names
/// a <c>projectPath</c> answers "not found" when the caller cannot see it, else (for Maintain) refuses, and its resolver
/// may take the project with <see cref="FromCheckedProjectAttribute"/>.
/// </summary>
public sealed class RequiresProjectAttribute(ProjectAction action) : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.Project, action);
}

/// <summary>
/// At least <paramref name="role"/> in the field's source group (a field of a group; administrators too): others get null.
/// GitLab's group pages for Owners (usage quotas) declare it here rather than in a service.
/// </summary>
public sealed class RequiresGroupAttribute(Identity.AccessLevel role) : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.Group, GroupRole: role);
}

/// <summary>
/// The project or the group the input names (<see cref="IProjectOrGroupPathInput"/>, exactly one of the two), which the
/// caller must see, else "not found"; the role the action needs there is the service's to check. The resolver takes
/// what was found with <see cref="FromCheckedProjectAttribute"/> and <see cref="FromCheckedGroupAttribute"/> (the other is null).
/// </summary>
public sealed class RequiresProjectOrGroupAttribute : FieldAccessAttribute
{
    protected override FieldAccess Access => new(FieldAccessKind.ProjectOrGroup);
}

/// <summary>
/// Access to a resource the input names by id (a rule, a token, packages), decided by the one rule
/// <paramref name="service"/>.<paramref name="method"/> that the service runs when it looks the resource up, so an id of
/// something the caller may not see answers exactly as a missing one. The middleware checks nothing more.
/// </summary>
public sealed class AccessCheckedByAttribute(Type service, string method) : FieldAccessAttribute
{
    public Type Service { get; } = service;
    public string Method { get; } = method;
    protected override FieldAccess Access => new(FieldAccessKind.CheckedByService, CheckedBy: $"{Service.Name}.{Method}");
}

/// <summary>
/// A resolver's parameter that receives the project <see cref="FieldAccessMiddleware"/> checked for the field's
/// <see cref="RequiresProjectAttribute"/> (or <see cref="RequiresProjectOrGroupAttribute"/>: null when the input named a
/// group), so the resolver does not look it up again.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromCheckedProjectAttribute : GraphQLAttribute
{
    public override void Modify<TParameterType>(ArgumentInformation argumentInformation)
    {
        if (typeof(TParameterType) != typeof(Identity.Project))
            throw new InvalidOperationException($"[FromCheckedProject] goes on a parameter of type Project, not {typeof(TParameterType)}");
        argumentInformation.SetDelegate(context => (TParameterType?)(object?)FieldAccessMiddleware.CheckedProject(context));
    }
}

/// <summary>
/// A resolver's parameter that receives the group <see cref="FieldAccessMiddleware"/> checked for the field's
/// <see cref="RequiresProjectOrGroupAttribute"/> (null when the input named a project).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromCheckedGroupAttribute : GraphQLAttribute
{
    public override void Modify<TParameterType>(ArgumentInformation argumentInformation)
    {
        if (typeof(TParameterType) != typeof(Identity.Namespace))
            throw new InvalidOperationException($"[FromCheckedGroup] goes on a parameter of type Namespace, not {typeof(TParameterType)}");
        argumentInformation.SetDelegate(context => (TParameterType?)(object?)FieldAccessMiddleware.CheckedGroup(context));
    }
}
