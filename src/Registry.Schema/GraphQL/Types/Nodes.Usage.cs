using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Types;

/// <summary>
/// A project's storage, for those GitLab shows "Usage quotas" to: the project's Maintainers (and Owners, administrators).
/// </summary>
public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("Statistics of the project's package storage. Null unless you are a Maintainer of the project.")]
    [RequiresProject(ProjectAction.Maintain)]
    public async Task<ProjectStatisticsNode?> Statistics([FromServices] StorageStatistics statistics, CancellationToken ct)
    {
        var ids = statistics.ProjectIds(Entity);
        return new ProjectStatisticsNode(await statistics.MeasureProjectsAsync(ids, ct), ids);
    }
}

/// <summary>A group's storage, for its Owners (GitLab shows a namespace's "Usage quotas" to them).</summary>
public sealed partial class GroupNode
{
    [System.ComponentModel.Description("Statistics of the package storage of the group, its subgroups and their projects (beyond GitLab). Null unless you are an Owner of the group.")]
    [RequiresGroup(AccessLevel.Owner)]
    public async Task<GroupStatisticsNode?> Statistics([FromServices] StorageStatistics statistics, CancellationToken ct)
    {
        var ids = statistics.GroupProjectIds(Entity);
        return new GroupStatisticsNode(await statistics.MeasureProjectsAsync(ids, ct), ids);
    }
}
