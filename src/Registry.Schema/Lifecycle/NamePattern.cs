using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Registry.Schema.Lifecycle;

/// <summary>
/// GitLab's wildcard patterns for package names (<c>@scope/package-*</c>): <c>*</c> matches any run of characters, the
/// rest literally, the whole name anchored and case-insensitive (GitLab matches with <c>ILIKE</c>). Matching runs on
/// the linear-time engine, so no pattern can be slow.
/// </summary>
public static partial class NamePattern
{
    public const int MaxLength = 255;
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new();

    [GeneratedRegex(@"^[A-Za-z0-9._+*-]+$")]
    private static partial Regex PackageNameWithWildcards();

    [GeneratedRegex(@"^[A-Za-z0-9_+.*-]+$")]
    private static partial Regex VersionWithWildcards();

    public static bool Matches(string pattern, string value)
    {
        if (Compiled.Count > 4096) Compiled.Clear(); // patterns are few; this only bounds a pathological churn
        return Compiled.GetOrAdd(pattern, static p => new Regex(
            "^" + string.Join(".*", p.Split('*').Select(Regex.Escape)) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)).IsMatch(value);
    }

    /// <summary>Null when <paramref name="pattern"/> is a generic package name with optional <c>*</c>, else why not.</summary>
    public static string? ValidatePackageName(string? pattern, string field = "Package name pattern")
    {
        if (string.IsNullOrEmpty(pattern)) return $"{field} can't be blank";
        if (pattern.Length > MaxLength) return $"{field} is too long (maximum is {MaxLength} characters)";
        return PackageNameWithWildcards().IsMatch(pattern)
            ? null
            : $"{field} should be a valid generic package name with optional wildcard characters.";
    }

    public static string? ValidateVersion(string? pattern, string field = "Exclude version pattern")
    {
        if (string.IsNullOrEmpty(pattern)) return null;
        if (pattern.Length > MaxLength) return $"{field} is too long (maximum is {MaxLength} characters)";
        return VersionWithWildcards().IsMatch(pattern) ? null : $"{field} should be a valid package version with optional wildcard characters.";
    }
}
