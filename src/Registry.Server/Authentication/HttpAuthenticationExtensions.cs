using Registry.Schema.Identity;

namespace Registry.Server.Authentication;

public static class HttpAuthenticationExtensions
{
    private static readonly object Key = new();

    /// <summary>Authenticates the request once; every endpoint asks through here.</summary>
    public static async Task<AuthenticationResult> AuthenticateRegistryAsync(this HttpContext http)
    {
        if (http.Items.TryGetValue(Key, out var cached) && cached is AuthenticationResult r) return r;
        var credentials = CredentialReader.Read(http.Request);
        // An empty Basic password is no credential at all (curl -u user: ...).
        var result = credentials is { Token.Length: > 0 }
            ? await http.RequestServices.GetRequiredService<Authenticator>().AuthenticateAsync(credentials, http.RequestAborted)
            : credentials is not null ? new AuthenticationResult(AuthenticationOutcome.Invalid, Actor.Anonymous, credentials)
            // No token: the web UI's session cookie, if any (Web/SessionCookie.cs has its CSRF rule).
            : await Web.SessionCookie.AuthenticateAsync(http) is { } session ? new AuthenticationResult(AuthenticationOutcome.Authenticated, session, null)
            : AuthenticationResult.None;
        http.Items[Key] = result;
        return result;
    }
}
