using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;
using Registry.Server.Generic;
using Registry.Server.PackagesApi;

namespace Registry.Server.Hooks;

/// <summary>
/// The JSON body of a package event: GitLab's hook envelope (<c>object_kind</c>, <c>event_type</c>, <c>user</c>,
/// <c>project</c>) around the Packages API's package and the <c>select=package_file</c> record, with a
/// <c>download_url</c> the receiver can fetch with a token.
/// </summary>
public static class PackageEventBody
{
    public static string EventType(PackageEventKind kind) => kind switch
    {
        PackageEventKind.FilePublished => "package_file_published",
        PackageEventKind.PackageDeleted => "package_deleted",
        PackageEventKind.FileDeleted => "package_file_deleted",
        _ => kind.ToString(),
    };

    public static string Build(PackageEventKind kind, Guid eventUuid, DateTime createdAt, PackageEventData data, string root)
    {
        var p = data.Package;
        var package = new PackageJson(p.Id, p.Name, p.Version, PackageJson.TypeName(p.PackageType), PackageJson.StatusName(p.Status),
            new PackageJson.Links(WebPaths.Package(data.ProjectPath, p.Id), null), PackageFileJson.Timestamp(p.CreatedAt),
            p.LastDownloadedAt is { } t ? PackageFileJson.Timestamp(t) : null, null, null, []);
        var body = new JsonObject
        {
            ["object_kind"] = "package",
            ["event_type"] = EventType(kind),
            ["event_uuid"] = eventUuid.ToString(),
            ["created_at"] = PackageFileJson.Timestamp(createdAt),
            ["user"] = data.User is { } u ? new JsonObject { ["id"] = u.Id, ["name"] = u.Name, ["username"] = u.Username } : null,
            ["project"] = new JsonObject
            {
                ["id"] = data.ProjectId,
                ["path_with_namespace"] = data.ProjectPath,
                ["web_url"] = root + "/" + data.ProjectPath,
            },
            ["package"] = JsonSerializer.SerializeToNode(package),
        };
        if (data.File is { } f)
        {
            var file = JsonSerializer.SerializeToNode(PackageFileJson.From(f))!.AsObject();
            file["download_url"] = root + f.DownloadPath;
            body["package_file"] = file;
        }
        return body.ToJsonString();
    }

    /// <summary>What a hook's test sends: a made-up publish in the hook's project (or a project below its group).</summary>
    public static string Sample(Actor actor, string projectPath, long projectId, DateTime now, string root)
    {
        var user = actor.User is { } u ? new PackageEventData.UserData(u.Id, u.Username, u.Name) : null;
        var package = new PackageEventData.PackageData(0, "sample-package", "1.0.0", Schema.Packages.PackageType.Generic,
            Schema.Packages.PackageStatus.Default, now, null);
        var file = new Schema.Packages.PackageFileRecord(0, 0, projectId, "sample-package", "1.0.0", "sample.txt", 6,
            "c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a", null, null, 1, now, now);
        return Build(PackageEventKind.FilePublished, Guid.NewGuid(), now, new PackageEventData(user, projectId, projectPath, package, file), root);
    }
}
