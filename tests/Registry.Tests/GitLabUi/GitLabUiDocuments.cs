using System.Text.RegularExpressions;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GitLabUi;

/// <summary>
/// GitLab's web UI documents kept under <c>GitLabUi/Documents</c> (see its ORIGIN.md), read as GitLab's webpack
/// loader reads them: <c>#import</c> lines (<c>~/</c> is <c>app/assets/javascripts/</c>) pull in the fragments they use.
/// </summary>
public static partial class GitLabUiDocuments
{
    public static string Root => Path.Combine(RepositoryRoot.Path, "tests", "Registry.Tests", "GitLabUi", "Documents");

    private static string Scripts => Path.Combine(Root, "app", "assets", "javascripts");

    /// <summary>Every document that is an operation (not a bare fragment), relative to <c>app/assets/javascripts</c>.</summary>
    public static IEnumerable<string> Operations() =>
        Directory.EnumerateFiles(Scripts, "*.graphql", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".fragment.graphql", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Scripts, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>The document's text followed by every fragment it imports, each once.</summary>
    public static string Load(string relativePath)
    {
        var seen = new HashSet<string>();
        var parts = new List<string>();
        Add(Path.GetFullPath(Path.Combine(Scripts, relativePath)), seen, parts);
        return string.Join("\n", parts);
    }

    private static void Add(string file, HashSet<string> seen, List<string> parts)
    {
        if (!seen.Add(file)) return;
        var text = File.ReadAllText(file);
        parts.Add(text);
        foreach (Match import in ImportLine().Matches(text))
        {
            var target = import.Groups[1].Value;
            var path = target.StartsWith("~/", StringComparison.Ordinal)
                ? Path.Combine(Scripts, target[2..])
                : Path.Combine(Path.GetDirectoryName(file)!, target);
            Add(Path.GetFullPath(path), seen, parts);
        }
    }

    [GeneratedRegex("""^#import "([^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex ImportLine();
}
