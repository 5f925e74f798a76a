using Registry.Schema.Packages;
using Registry.Server.Requests;

namespace Registry.Server.Generic;

/// <summary>
/// The package a generic-package URL names: name, version and, when the URL has one, the file (with its folders),
/// checked against GitLab's rules. Bound from the raw request target; its route filter raises what is invalid.
/// </summary>
public sealed class GenericTarget : IRouteArguments
{
    private readonly GenericPath? _path;
    private readonly RegistryError? _error;

    private GenericTarget(GenericPath? path, string? fileName, RegistryError? error)
    {
        _path = path;
        FileNameOrNull = fileName;
        _error = error;
    }

    public GenericPath Path => _path ?? throw _error!;
    public string Name => Path.Name;
    public string Version => Path.Version;

    /// <summary>The file name with its folders (<c>path/to/file.txt</c>); null when the URL names no file.</summary>
    public string? FileNameOrNull { get; }

    public void Validate()
    {
        if (_error is not null) throw _error;
    }

    /// <summary>An upload (PUT, or a tus POST) must name a file; downloads and deletes may name only the version.</summary>
    public static ValueTask<GenericTarget?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<GenericTarget?>(Read(http, requireFile: HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPost(http.Request.Method)));

    internal static GenericTarget Read(HttpContext http, bool requireFile)
    {
        try
        {
            var path = GenericPath.Parse(http, requireFile);
            PackageNameRules.Validate(path.Name, path.Version);
            var fileName = path.FileSegments.Count == 0 ? null : PackageNameRules.ValidateFilePath(path.FileSegments);
            return new GenericTarget(path, fileName, null);
        }
        catch (RegistryError e)
        {
            return new GenericTarget(null, null, e);
        }
    }
}
