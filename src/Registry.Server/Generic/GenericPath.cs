using Registry.Server.Middleware;
using Registry.Schema.Packages;

namespace Registry.Server.Generic;

/// <summary>
/// The coordinates of a generic-package URL, read from the raw request target. Kestrel would otherwise decode and
/// collapse <c>..</c> segments before routing, so <c>1.2.3/../../x</c> must be judged as the client sent it.
/// </summary>
public sealed record GenericPath(string ProjectId, string Name, string Version, IReadOnlyList<string> FileSegments)
{
    public const string Prefix = "/api/v4/projects/";

    /// <summary>Segments after <c>generic/</c>: name, version, then the folders and file name, each decoded once.</summary>
    public static GenericPath Parse(HttpContext http, bool requireFile = true)
    {
        var segments = RawApiPathMiddleware.RawPath(http).Split('/');
        // "", api, v4, projects, :id, packages, generic, name, version, ...file
        if (segments.Length < 9) throw RegistryError.Invalid(segments.Length < 8 ? "package_name" : "package_version");
        var decoded = segments.Select(Decode).ToArray();
        var file = decoded[9..];
        if (requireFile && file.Length == 0) throw RegistryError.Invalid("file_name");
        return new GenericPath(decoded[4], decoded[7], decoded[8], file);
    }

    private static string Decode(string segment)
    {
        try { return Uri.UnescapeDataString(segment); }
        catch (UriFormatException) { return "\0"; }
    }
}
