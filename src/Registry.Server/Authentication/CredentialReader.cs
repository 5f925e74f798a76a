using System.Net.Http.Headers;
using System.Text;
using Registry.Schema.Identity;

namespace Registry.Server.Authentication;

/// <summary>Reads the token a request presents, in any of the forms GitLab accepts.</summary>
public static class CredentialReader
{
    public static Credentials? Read(HttpRequest request)
    {
        if (Header(request, "PRIVATE-TOKEN") is { } pat) return new Credentials(pat, CredentialSource.PrivateToken);
        if (Header(request, "JOB-TOKEN") is { } job) return new Credentials(job, CredentialSource.JobToken);
        if (Header(request, "DEPLOY-TOKEN") is { } deploy) return new Credentials(deploy, CredentialSource.DeployToken);
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth) || auth.Parameter is null)
            return null;
        if (auth.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return new Credentials(auth.Parameter, CredentialSource.Bearer);
        if (!auth.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter)); }
        catch (FormatException) { return new Credentials("", CredentialSource.Basic); }
        var colon = decoded.IndexOf(':');
        return colon < 0
            ? new Credentials("", CredentialSource.Basic, decoded)
            : new Credentials(decoded[(colon + 1)..], CredentialSource.Basic, decoded[..colon]);
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
}

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
