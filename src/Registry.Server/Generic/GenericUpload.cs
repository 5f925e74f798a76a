using Registry.Schema.Packages;
using Registry.Server.Requests;

namespace Registry.Server.Generic;

/// <summary>
/// What a generic-package PUT asks for beyond its target: <c>?status=</c>, <c>?select=package_file</c> and the digests
/// the client declared. Validated, like the target, by the route filter before the body is read.
/// </summary>
public sealed class GenericUpload : IRouteArguments
{
    private readonly RegistryError? _error;

    private GenericUpload(GenericTarget target, PackageStatus? status, bool selectFile, ExpectedDigests expected, RegistryError? error)
    {
        Target = target;
        Status = status;
        SelectFile = selectFile;
        Expected = expected;
        _error = error;
    }

    public GenericTarget Target { get; }
    public PackageStatus? Status { get; }
    public bool SelectFile { get; }
    public ExpectedDigests Expected { get; }
    public string FileName => Target.FileNameOrNull!;

    public void Validate()
    {
        Target.Validate();
        if (_error is not null) throw _error;
    }

    public static ValueTask<GenericUpload?> BindAsync(HttpContext http)
    {
        var target = GenericTarget.Read(http, requireFile: true);
        try
        {
            return ValueTask.FromResult<GenericUpload?>(new GenericUpload(target, ParseStatus(http.Request.Query["status"]),
                ParseSelect(http.Request.Query["select"]), DigestHeaders.Read(http.Request), null));
        }
        catch (RegistryError e)
        {
            return ValueTask.FromResult<GenericUpload?>(new GenericUpload(target, null, false, ExpectedDigests.None, e));
        }
    }

    private static PackageStatus? ParseStatus(string? value) => value switch
    {
        null => null,
        "default" => PackageStatus.Default,
        "hidden" => PackageStatus.Hidden,
        _ => throw RegistryError.Invalid("status", "does not have a valid value"),
    };

    private static bool ParseSelect(string? value) => value switch
    {
        null => false,
        "package_file" => true,
        _ => throw RegistryError.Invalid("select", "does not have a valid value"),
    };
}
