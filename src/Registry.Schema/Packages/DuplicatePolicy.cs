using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Registry.Schema.Packages;

/// <summary>
/// GitLab's duplicate rule for generic packages: the exception regex (anchored, tested against the name and
/// separately the version) inverts the toggle. Patterns run on the linear-time engine, so none can hang a request.
/// </summary>
public static class DuplicatePolicy
{
    public const int MaxRegexLength = 255;
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new();

    public static bool DuplicatesAllowed(NamespacePackageSettings? settings, string name, string version)
    {
        if (settings is null) return true;
        var regex = settings.GenericDuplicateExceptionRegex;
        var matches = !string.IsNullOrEmpty(regex) && (FullMatch(regex, name) || FullMatch(regex, version));
        return settings.GenericDuplicatesAllowed ? !matches : matches;
    }

    /// <summary>Null when the pattern is acceptable, else the reason, naming the setting as GitLab does.</summary>
    public static string? Validate(string? pattern, string setting = "Generic duplicate exception regex")
    {
        if (string.IsNullOrEmpty(pattern)) return null;
        if (pattern.Length > MaxRegexLength) return $"{setting} is too long (maximum is {MaxRegexLength} characters)";
        try { Get(pattern); return null; }
        catch (ArgumentException) { return $"{setting} not valid RE2 syntax"; }
        catch (NotSupportedException) { return $"{setting} not valid RE2 syntax"; }
    }

    private static bool FullMatch(string pattern, string input)
    {
        try { return Get(pattern).IsMatch(input); }
        catch (RegexMatchTimeoutException) { return false; }
    }

    private static Regex Get(string pattern)
    {
        if (Compiled.Count > 1024) Compiled.Clear(); // settings are few; this only bounds a pathological churn
        return Compiled.GetOrAdd(pattern, p =>
            new Regex($"^(?:{p})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }
}
