using System.Text.RegularExpressions;

namespace Registry.Schema.Packages;

/// <summary>
/// GitLab's rules for generic package coordinates, ASCII only (.NET's <c>\w</c> would accept non-ASCII letters). The
/// patterns end in <c>\z</c>, as GitLab's Ruby ones do: .NET's <c>$</c> also matches before a final newline, which
/// let <c>a%0A</c> through as a name.
/// </summary>
public static partial class PackageNameRules
{
    [GeneratedRegex(@"^[A-Za-z0-9._+-]+\z")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^(?!.*\.\.)[A-Za-z0-9_+.-]+\z")]
    private static partial Regex VersionRegex();

    [GeneratedRegex(@"^(?!~)(?!@)[A-Za-z0-9._+~@-]+(?<!~)(?<!@)\z")]
    private static partial Regex FileNameRegex();

    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 255 } && NameRegex().IsMatch(name) && !IsDotSegment(name);

    public static bool IsValidVersion(string? version) => version is { Length: > 0 and <= 255 } && VersionRegex().IsMatch(version) && version != ".";

    /// <summary>One file name or folder segment: a dot segment would escape its folder.</summary>
    public static bool IsValidFileSegment(string? segment) =>
        segment is { Length: > 0 and <= 255 } && FileNameRegex().IsMatch(segment) && !IsDotSegment(segment);

    /// <summary>Validates the folder segments and file name, and joins them as stored: <c>path/to/file</c>.</summary>
    public static string ValidateFilePath(IReadOnlyList<string> segments)
    {
        if (segments.Count == 0) throw RegistryError.Invalid("file_name");
        for (var i = 0; i < segments.Count; i++)
            if (!IsValidFileSegment(segments[i])) throw RegistryError.Invalid(i < segments.Count - 1 ? "path" : "file_name");
        var joined = string.Join('/', segments);
        if (joined.Length > 1024) throw RegistryError.Invalid("file_name");
        return joined;
    }

    public static void Validate(string name, string version)
    {
        if (!IsValidName(name)) throw RegistryError.Invalid("package_name");
        if (!IsValidVersion(version)) throw RegistryError.Invalid("package_version");
    }

    private static bool IsDotSegment(string s) => s is "." or "..";
}
