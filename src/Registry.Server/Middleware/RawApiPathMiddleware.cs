using Microsoft.AspNetCore.Http.Features;

namespace Registry.Server.Middleware;

/// <summary>
/// Routes <c>/api/v4/...</c> on the path exactly as the client sent it. Kestrel would otherwise decode and collapse
/// <c>..</c> segments before routing, so <c>1.2.3/../../x</c> must be judged as sent, not as normalised.
/// </summary>
public sealed class RawApiPathMiddleware(RequestDelegate next)
{
    public const string ApiPrefix = "/api/v4/";

    public Task InvokeAsync(HttpContext http)
    {
        var raw = RawPath(http);
        if (raw.StartsWith(ApiPrefix, StringComparison.OrdinalIgnoreCase)) http.Request.Path = new PathString(raw);
        return next(http);
    }

    /// <summary>The request target's path as sent (absolute-form targets reduced to their path), without the query.</summary>
    public static string RawPath(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.ToUriComponent();
        if (Uri.TryCreate(raw, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http")) raw = absolute.AbsolutePath;
        var q = raw.IndexOf('?');
        return q < 0 ? raw : raw[..q];
    }
}
