using Registry.Schema.Identity;

namespace Registry.Server.Web;

/// <summary>
/// The web UI's session cookie and its CSRF rule. A request that presents a token header is authenticated by the
/// token alone; one that presents only the cookie is the session's user for safe methods, and for anything else only
/// with the session's CSRF token in <see cref="CsrfHeader"/>. Without it the request is anonymous, as GitLab treats an
/// unverified cookie request (<c>protect_from_forgery with: :null_session</c>): a mutation is refused, a REST write gets 401.
/// </summary>
public static class SessionCookie
{
    public const string Name = "_registry_session";
    public const string CsrfHeader = "X-CSRF-Token";

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && value is { Length: > 0 and < 200 } ? value : null;

    public static void Write(HttpContext http, string secret, DateTime expiresAt) =>
        http.Response.Cookies.Append(Name, secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = IsHttps(http),
            Path = "/",
            Expires = expiresAt,
            IsEssential = true,
        });

    public static void Clear(HttpContext http) =>
        http.Response.Cookies.Delete(Name, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = IsHttps(http), Path = "/" });

    /// <summary>Behind a proxy that ends TLS the request itself is http; Registry:ExternalUrl says what browsers use.</summary>
    private static bool IsHttps(HttpContext http) =>
        http.Request.IsHttps || Hosting.PublicUrl.Root(http.Request).StartsWith("https:", StringComparison.OrdinalIgnoreCase);

    public static bool IsSafeMethod(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>The session's actor when the request may act as it; null otherwise (no cookie, unknown, expired, no CSRF token).</summary>
    public static async Task<Actor?> AuthenticateAsync(HttpContext http)
    {
        if (Read(http.Request) is not { } secret) return null;
        if (!IsSafeMethod(http.Request.Method)
            && !SignInService.CsrfTokenMatches(secret, http.Request.Headers[CsrfHeader].ToString()))
            return null;
        var session = await http.RequestServices.GetRequiredService<SignInService>().FindSessionAsync(secret, http.RequestAborted);
        return session is null ? null : new Actor(ActorKind.User, session.User, TokenScopes.Api) { SessionId = session.Id };
    }
}
