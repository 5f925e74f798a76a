using System.Text.RegularExpressions;

namespace Registry.Schema.Packages;

/// <summary>
/// GitLab's rules for generic package coordinates, ASCII only (.NET's <c>\w</c> would accept non-ASCII letters). Each
/// rule is one pattern that is the whole rule (characters, length, no dot segment) and means the same in .NET and in
/// ECMAScript, so the web UI checks names with the server's own patterns (<c>Query.genericPackageNameRules</c>) and
/// the two cannot drift. The end of the input is written <c>(?![\s\S])</c>: .NET's <c>$</c> also matches before a
/// final newline (it let <c>a%0A</c> through as a name) and ECMAScript has no <c>\z</c>.
/// </summary>
public static partial class PackageNameRules
{
    private const string End = @"(?![\s\S])";

    /// <summary>A package name: letters, digits, <c>. _ + -</c>; not <c>.</c> or <c>..</c>.</summary>
    public const string NamePattern = @"^(?!\.\.?" + End + @")[A-Za-z0-9._+-]{1,255}" + End;

    /// <summary>A version: letters, digits, <c>. _ + -</c>, no <c>..</c>; not <c>.</c>.</summary>
    public const string VersionPattern = @"^(?!.*\.\.)(?!\." + End + @")[A-Za-z0-9_+.-]{1,255}" + End;

    /// <summary>A file name or folder segment: letters, digits, <c>. _ + - ~ @</c>, not starting or ending with <c>~</c>
    /// or <c>@</c>; not a dot segment, which would escape its folder.</summary>
    public const string FileNamePattern = @"^(?![~@])(?!\.\.?" + End + @")[A-Za-z0-9._+~@-]{1,255}(?<![~@])" + End;

    [GeneratedRegex(NamePattern)]
    private static partial Regex NameRegex();

    [GeneratedRegex(VersionPattern)]
    private static partial Regex VersionRegex();

    [GeneratedRegex(FileNamePattern)]
    private static partial Regex FileNameRegex();

    public static bool IsValidName(string? name) => name is not null && NameRegex().IsMatch(name);

    public static bool IsValidVersion(string? version) => version is not null && VersionRegex().IsMatch(version);

    /// <summary>One file name or folder segment.</summary>
    public static bool IsValidFileSegment(string? segment) => segment is not null && FileNameRegex().IsMatch(segment);

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
}
