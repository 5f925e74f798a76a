using GraphQL;
using GraphQL.DataLoader;
using Registry.Schema.Audit;
using Registry.Schema.GraphQL.Loading;
using Registry.Schema.GraphQL.Paging;

namespace Registry.Schema.GraphQL.Types;

[Name("AuditEventTokenKind")]
[System.ComponentModel.Description("How the author of an audit event authenticated.")]
public enum AuditEventTokenKindEnum { None, PersonalAccessToken, DeployToken, CiJobToken, System }

/// <summary>GitLab's <c>AuditEvent</c> type, plus how the author authenticated. Never carries a token's value.</summary>
[Name("AuditEvent")]
[System.ComponentModel.Description("Audit event.")]
public sealed class AuditEventNode(AuditEvent e)
{
    [Id, System.ComponentModel.Description("Audit Event ID.")]
    public string Id => GlobalId.For(GlobalId.AuditEvent, e.Id);
    [System.ComponentModel.Description("Timestamp when the audit event was created.")]
    public DateTime CreatedAt => DateTime.SpecifyKind(e.CreatedAt, DateTimeKind.Utc);
    [System.ComponentModel.Description("User who triggered the event.")]
    public async Task<UserNode?> Author([FromServices] Identity.UserDirectory users, CancellationToken ct) =>
        e.AuthorId is long id && await users.FindAsync(id, ct) is { } u ? new UserNode(u) : null;
    [System.ComponentModel.Description("Name of the author (a user's username, a deploy token's username, or the registry's job).")]
    public string AuthorName => e.AuthorName;
    [System.ComponentModel.Description("How the author authenticated.")]
    public AuditEventTokenKindEnum TokenKind => (AuditEventTokenKindEnum)(int)e.TokenKind;
    [System.ComponentModel.Description("Name of the event.")]
    public string EventName => e.EventName;
    [System.ComponentModel.Description("Additional details of the audit event, as a JSON object.")]
    public string? Details => e.Details;
    [System.ComponentModel.Description("Type of the target of the audit event.")]
    public string? TargetType => e.TargetType;
    [System.ComponentModel.Description("Additional details of the target.")]
    public string? TargetDetails => e.TargetDetails;
    [Id, System.ComponentModel.Description("ID of the target of the audit event.")]
    public string? TargetId => e.TargetId?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    [System.ComponentModel.Description("IP address of the user.")]
    public string? IpAddress => e.IpAddress;
    [System.ComponentModel.Description("Path of the entity.")]
    public string EntityPath => e.EntityPath;
    [Id, System.ComponentModel.Description("ID of the entity.")]
    public string EntityId => e.EntityId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    [System.ComponentModel.Description("Type of the entity.")]
    public string EntityType => e.EntityType;
    [System.ComponentModel.Description("Project associated with the audit event.")]
    public IDataLoaderResult<ProjectNode?>? Project([FromServices] RequestLoaders loaders) =>
        e.ProjectId is long id ? loaders.Projects.Load(id).Select(p => p is null ? null : new ProjectNode(p)) : null;
}

[Name("AuditEventEdge")] public sealed class AuditEventEdge : Edge<AuditEventNode>;
[Name("AuditEventConnection")] public sealed class AuditEventConnection : Connection<AuditEventNode, AuditEventEdge>;
