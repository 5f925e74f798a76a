using GraphQL;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

/// <summary>What an administrator's deletion takes with it (beyond GitLab): the confirmation shows these counts.</summary>
[Name("DeletionPreview")]
[System.ComponentModel.Description("What deleting a user, group or project takes with it, counted by the server.")]
public sealed class DeletionPreviewNode(DeletionPreview preview)
{
    [System.ComponentModel.Description("Projects deleted (a group's, with its subgroups'; a user's personal ones).")]
    public int Projects => preview.Projects;
    [System.ComponentModel.Description("Groups deleted: the group and its subgroups.")]
    public int Groups => preview.Groups;
    [System.ComponentModel.Description("Packages deleted.")]
    public int Packages => preview.Packages;
    [System.ComponentModel.Description("Package files deleted.")]
    public int Files => preview.Files;
    [System.ComponentModel.Description("Total size of those files, in bytes (bytes other files share stay stored for them).")]
    public double Bytes => preview.Bytes;
}
