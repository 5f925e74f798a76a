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
