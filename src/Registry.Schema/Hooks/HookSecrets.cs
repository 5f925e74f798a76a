using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Registry.Schema.Hooks;

/// <summary>
/// Encrypts the secrets a hook must send (its token, signing secret and custom header values) with ASP.NET Core Data
/// Protection, whose key ring lives in the database: the one kind of secret the registry must read back.
/// </summary>
public sealed class HookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Registry.Hooks.Secrets.v1");

    public string Protect(string plain) => _protector.Protect(plain);

    public string Unprotect(string encrypted) => _protector.Unprotect(encrypted);

    /// <summary>A new Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSigningSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key bytes of a <c>whsec_</c> secret.</summary>
    public static byte[] SigningKey(string secret) =>
        Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
}
