using System.Globalization;
using Registry.Server.Middleware;

namespace Registry.Server.Requests;

/// <summary>The identifiers in <c>/api/v4</c> route values.</summary>
public static class RouteIds
{
    /// <summary>The <c>:id</c> of <c>/projects/:id</c> or <c>/groups/:id</c>: a number or a URL-encoded full path.</summary>
    public static string ProjectOrGroup(HttpContext http) => Decode(http.Request.RouteValues["id"] as string ?? "");

    /// <summary>A route value that must be a positive integer id when the route has it (<c>:package_id</c>).</summary>
    public static long? Optional(HttpContext http, string name) =>
        http.Request.RouteValues.TryGetValue(name, out var value) ? Parse(value as string, name) : null;

    public static long Parse(string? segment, string name) =>
        long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw RegistryError.Invalid(name);

    /// <summary>Route values of the raw API path (see <see cref="RawApiPathMiddleware"/>) arrive still percent-encoded.</summary>
    public static string Decode(string id)
    {
        try { return Uri.UnescapeDataString(id); }
        catch (UriFormatException) { return id; }
    }
}
