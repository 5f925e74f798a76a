using System.Security.Cryptography;
using System.Text;

namespace Registry.Schema.Identity;

/// <summary>
/// Token values: 192 random bits behind a GitLab-style prefix. Only the SHA-256 digest is stored; the secrets are
/// random, so a fast digest is enough (no password stretching needed) and lookups by digest stay indexed.
/// </summary>
public static class TokenSecrets
{
    public const string PersonalPrefix = "glpat-";
    public const string DeployPrefix = "gldt-";
    public const string JobPrefix = "glcbt-";

    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[24];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
    }

    public static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(byte[] stored, byte[] presented) => CryptographicOperations.FixedTimeEquals(stored, presented);
}
