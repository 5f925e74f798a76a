using System.Reflection;

namespace Registry.Server.Instance;

/// <summary>
/// What <c>GET /version</c> and <c>/metadata</c> report: the GitLab version whose REST and GraphQL API this registry
/// follows (its shapes were read from that GitLab's entities and UI documents), and this registry's own revision.
/// </summary>
public static class GitLabCompatibility
{
    /// <summary>The GitLab release whose API this registry answers like.</summary>
    public const string Version = "17.6.0";

    /// <summary>The commit this build came from (the SDK's source revision, as GitLab's 11-character revision), or "unknown".</summary>
    public static readonly string Revision = ReadRevision();

    private static string ReadRevision()
    {
        var informational = typeof(GitLabCompatibility).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plus = informational?.IndexOf('+') ?? -1;
        if (plus < 0) return "unknown";
        var sha = informational![(plus + 1)..];
        return sha.Length > 11 ? sha[..11] : sha;
    }
}
