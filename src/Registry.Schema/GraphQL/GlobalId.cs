namespace Registry.Schema.GraphQL;

/// <summary>GitLab's global ids: <c>gid://gitlab/Project/1</c>.</summary>
public static class GlobalId
{
    public const string Project = "Project";
    public const string Group = "Group";
    public const string UserNamespace = "Namespaces::UserNamespace";
    public const string User = "User";
    public const string Package = "Packages::Package";
    public const string PackageFile = "Packages::PackageFile";
    public const string PersonalAccessToken = "PersonalAccessToken";
    public const string DeployToken = "DeployToken";
    public const string CiJobToken = "Ci::JobToken";
    public const string ProtectionRule = "Packages::Protection::Rule";
    public const string RetentionRule = "Packages::RetentionRule";
    public const string AuditEvent = "AuditEvent";
    public const string WebHook = "WebHook";
    public const string WebHookDelivery = "WebHookLog";

    public static string For(string model, long id) => $"gid://gitlab/{model}/{id}";

    public static bool TryParse(string? gid, string model, out long id)
    {
        id = 0;
        var prefix = $"gid://gitlab/{model}/";
        return gid is not null && gid.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(gid.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, null, out id);
    }
}
