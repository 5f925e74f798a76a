using System.Text.Json;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Audit;

/// <summary>
/// Records audit events. <see cref="Add"/> puts the event into the caller's unit of work, so it commits with the change
/// it describes (or not at all). Only names, ids and kinds are recorded, never a token's value.
/// </summary>
public sealed class AuditLog(RegistryDbContext db, AuditContext context, TimeProvider clock)
{
    /// <summary>The author the registry's own background jobs are recorded under.</summary>
    public static Actor System => Actor.Anonymous;

    public AuditEvent Add(Actor actor, AuditEntity entity, string eventName, AuditTarget? target = null,
        IReadOnlyDictionary<string, object?>? details = null, string? systemAuthor = null)
    {
        var audit = Build(actor, entity, eventName, target, details, systemAuthor);
        db.AuditEvents.Add(audit);
        return audit;
    }

    /// <summary>The event, not added: for a writer that inserts many at once (<see cref="InsertAsync"/>).</summary>
    public AuditEvent Build(Actor actor, AuditEntity entity, string eventName, AuditTarget? target = null,
        IReadOnlyDictionary<string, object?>? details = null, string? systemAuthor = null)
    {
        var (authorId, authorName, kind, tokenId) = Author(actor, systemAuthor);
        var all = new Dictionary<string, object?>
        {
            ["author_name"] = authorName,
            ["author_class"] = kind switch
            {
                AuditTokenKind.DeployToken => "DeployToken",
                AuditTokenKind.System => "Registry",
                _ => "User",
            },
            ["token_kind"] = TokenKindName(kind),
        };
        if (target is { } t)
        {
            all["target_id"] = t.Id;
            all["target_type"] = t.Type;
            all["target_details"] = t.Details;
        }
        foreach (var (key, value) in details ?? new Dictionary<string, object?>()) all[key] = value;
        all["entity_path"] = entity.Path;
        if (context.IpAddress is { } ip) all["ip_address"] = ip;

        return new AuditEvent
        {
            CreatedAt = clock.GetUtcNow().UtcDateTime, AuthorId = authorId, AuthorName = authorName, TokenKind = kind, TokenId = tokenId,
            EntityType = entity.Type, EntityId = entity.Id, EntityPath = entity.Path, ProjectId = entity.ProjectId,
            NamespaceId = entity.NamespaceId, EventName = eventName, TargetType = target?.Type, TargetId = target?.Id,
            TargetDetails = target?.Details, Details = JsonSerializer.Serialize(all), IpAddress = context.IpAddress,
        };
    }

    /// <summary>
    /// Inserts <paramref name="events"/> (from <see cref="Build"/>) in one statement, in the caller's transaction
    /// (<see cref="MultiRowInsert"/>): the publish batch's single writer records its uploads' events together.
    /// </summary>
    public Task InsertAsync(IReadOnlyList<AuditEvent> events, CancellationToken ct) => db.InsertAsync(events, InsertedColumns, ct);

    /// <summary>Every column but the generated id.</summary>
    private static readonly string[] InsertedColumns =
    [
        nameof(AuditEvent.CreatedAt), nameof(AuditEvent.AuthorId), nameof(AuditEvent.AuthorName), nameof(AuditEvent.TokenKind),
        nameof(AuditEvent.TokenId), nameof(AuditEvent.EntityType), nameof(AuditEvent.EntityId), nameof(AuditEvent.EntityPath),
        nameof(AuditEvent.ProjectId), nameof(AuditEvent.NamespaceId), nameof(AuditEvent.EventName), nameof(AuditEvent.TargetType),
        nameof(AuditEvent.TargetId), nameof(AuditEvent.TargetDetails), nameof(AuditEvent.Details), nameof(AuditEvent.IpAddress),
    ];

    /// <summary>Adds the event and saves at once, for changes already written with bulk statements.</summary>
    public async Task RecordAsync(Actor actor, AuditEntity entity, string eventName, AuditTarget? target, CancellationToken ct,
        IReadOnlyDictionary<string, object?>? details = null, string? systemAuthor = null)
    {
        Add(actor, entity, eventName, target, details, systemAuthor);
        await db.SaveChangesAsync(ct);
    }

    public static string TokenKindName(AuditTokenKind kind) => kind switch
    {
        AuditTokenKind.PersonalAccessToken => "personal_access_token",
        AuditTokenKind.DeployToken => "deploy_token",
        AuditTokenKind.CiJobToken => "ci_job_token",
        AuditTokenKind.System => "system",
        _ => "none",
    };

    private static (long? Id, string Name, AuditTokenKind Kind, long? TokenId) Author(Actor actor, string? systemAuthor) => actor.Kind switch
    {
        ActorKind.User => (actor.User!.Id, actor.User.Username, AuditTokenKind.PersonalAccessToken, null),
        ActorKind.JobToken => (actor.User!.Id, actor.User.Username, AuditTokenKind.CiJobToken, actor.JobToken!.Id),
        ActorKind.DeployToken => (null, actor.DeployToken!.Username, AuditTokenKind.DeployToken, actor.DeployToken.Id),
        _ => (null, systemAuthor ?? "Registry", AuditTokenKind.System, null),
    };
}
