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
            : credentials is null ? AuthenticationResult.None
            : new AuthenticationResult(AuthenticationOutcome.Invalid, Actor.Anonymous, credentials);
        http.Items[Key] = result;
        return result;
    }
}
