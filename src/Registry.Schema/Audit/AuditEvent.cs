namespace Registry.Schema.Audit;

/// <summary>How the author authenticated; <see cref="System"/> for the registry's own background jobs.</summary>
public enum AuditTokenKind { None = 0, PersonalAccessToken = 1, DeployToken = 2, CiJobToken = 3, System = 4 }

/// <summary>
/// Who did what, when, in GitLab's audit event shape (<c>author_id</c>, <c>entity_*</c>, <c>target_*</c>,
/// <c>details</c>, <c>ip_address</c>). Never holds a token's secret: tokens are named by kind and id only.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The user who acted (a job token's user); null for deploy tokens and the registry itself.</summary>
    public long? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public AuditTokenKind TokenKind { get; set; }
    /// <summary>The deploy or job token's id (never its value); null for personal tokens and the registry itself.</summary>
    public long? TokenId { get; set; }
    /// <summary><c>Project</c>, <c>Group</c> or <c>User</c>, as GitLab.</summary>
    public required string EntityType { get; set; }
    public long EntityId { get; set; }
    public required string EntityPath { get; set; }
    /// <summary>The project the event belongs to, when it belongs to one (for Owners' lists).</summary>
    public long? ProjectId { get; set; }
    /// <summary>The namespace the event belongs to (the project's, or the group or user namespace acted on).</summary>
    public long? NamespaceId { get; set; }
    public required string EventName { get; set; }
    public string? TargetType { get; set; }
    public long? TargetId { get; set; }
    public string? TargetDetails { get; set; }
    /// <summary>A JSON object with the event's other facts (GitLab's <c>details</c>).</summary>
    public string? Details { get; set; }
    public string? IpAddress { get; set; }
}
