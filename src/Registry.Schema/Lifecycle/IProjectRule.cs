using Registry.Schema.Access;

namespace Registry.Schema.Lifecycle;

/// <summary>A rule that belongs to one project (protection, retention): found by its id through <see cref="ProjectMaintenance"/>.</summary>
public interface IProjectRule
{
    long Id { get; }
    long ProjectId { get; }
}
