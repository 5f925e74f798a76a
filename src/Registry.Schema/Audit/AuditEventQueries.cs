using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Audit;

/// <summary>
/// Who may read which audit events: administrators every event; the Owner of a project its events; the Owner of a
/// group the events of the group and of everything below it. Lists are newest first.
/// </summary>
public sealed class AuditEventQueries(RegistryDbContext db, Permissions permissions)
{
    public IQueryable<AuditEvent>? ForInstance(Actor actor) => Access.AccessRules.IsAdministrator(actor, write: false) ? db.AuditEvents.AsNoTracking() : null;

    public async Task<IQueryable<AuditEvent>?> ForProjectAsync(Actor actor, Project project, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.User || await permissions.ProjectRoleAsync(actor.User!, project, ct) is not AccessLevel.Owner) return null;
        return db.AuditEvents.AsNoTracking().Where(e => e.ProjectId == project.Id);
    }

    public async Task<IQueryable<AuditEvent>?> ForGroupAsync(Actor actor, Namespace group, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.User || await permissions.NamespaceRoleAsync(actor.User!, group, ct) is not AccessLevel.Owner) return null;
        var namespaces = db.Namespaces.AtOrBelow(group).Select(n => (long?)n.Id);
        return db.AuditEvents.AsNoTracking().Where(e => namespaces.Contains(e.NamespaceId));
    }
}
