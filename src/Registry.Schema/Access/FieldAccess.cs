using Registry.Schema.Packages;

namespace Registry.Schema.Access;

/// <summary>What a GraphQL field declares it needs; <see cref="FieldAccessMiddleware"/> checks it before the resolver runs.</summary>
public enum FieldAccessKind
{
    /// <summary>Open to everyone; the field itself shows only what the caller may see (null or a shorter list).</summary>
    Anyone,
    /// <summary>A signed-in user whose token may write through the API (<see cref="Identity.Actor.RequireApiWriter"/>).</summary>
    ApiWriter,
    /// <summary>An administrator (for a mutation: with a token that may write through the API).</summary>
    Admin,
    /// <summary>An action on the project: the field's source project, or the project named by the input's <c>projectPath</c>.</summary>
    Project,
    /// <summary>A role in the field's source group (or an administrator): a field of a group answers null to others.</summary>
    Group,
    /// <summary>
    /// Sight of the project named by the input's <c>projectPath</c> or the group named by its <c>groupPath</c> (exactly
    /// one): what the caller may do there is the service's to decide.
    /// </summary>
    ProjectOrGroup,
    /// <summary>
    /// Access to a resource found by its id (a rule, a token, packages): the service that finds it decides, with the
    /// same rules, so that an id the caller may not know of answers exactly as one that does not exist.
    /// </summary>
    CheckedByService,
}

/// <summary>A field's declared access, kept in its metadata under <see cref="MetadataKey"/>.</summary>
/// <param name="CheckedBy">For <see cref="FieldAccessKind.CheckedByService"/>: the service method that decides.</param>
/// <param name="PayloadType">For a mutation, the payload a refusal is answered with (its <c>errors</c>); else null.</param>
/// <param name="GroupRole">For <see cref="FieldAccessKind.Group"/>: the least role in the group the field needs.</param>
public sealed record FieldAccess(FieldAccessKind Kind, ProjectAction Action = ProjectAction.View, string? DeniedMessage = null,
    string? CheckedBy = null, Type? PayloadType = null, Identity.AccessLevel GroupRole = Identity.AccessLevel.Owner)
{
    public const string MetadataKey = "registry:access";
}
