using Registry.Schema.Packages;

namespace Registry.Server.Generic;

/// <summary>
/// Digests a client may declare for its upload: <c>X-Checksum-Sha256: &lt;hex&gt;</c>,
/// <c>Content-Digest: sha-256=:&lt;base64&gt;:</c> (RFC 9530) and <c>Content-MD5: &lt;base64&gt;</c>.
/// </summary>
public static class DigestHeaders
{
    public static ExpectedDigests Read(HttpRequest request)
    {
        string? sha256 = null, md5 = null;
        if (Single(request, "X-Checksum-Sha256") is { } hex)
        {
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit)) throw Invalid("X-Checksum-Sha256");
            sha256 = hex.ToLowerInvariant();
        }
        if (Single(request, "Content-Digest") is { } digest && ContentDigestSha256(digest) is { } fromDigest)
        {
            if (sha256 is not null && sha256 != fromDigest) throw RegistryError.ChecksumMismatch();
            sha256 = fromDigest;
        }
        if (Single(request, "Content-MD5") is { } contentMd5) md5 = Base64Hex(contentMd5, 16) ?? throw Invalid("Content-MD5");
        return sha256 is null && md5 is null ? ExpectedDigests.None : new ExpectedDigests(sha256, md5);
    }

    /// <summary>The sha-256 member of an RFC 9530 dictionary; other algorithms are ignored, as the RFC allows.</summary>
    private static string? ContentDigestSha256(string header)
    {
        foreach (var member in header.Split(','))
        {
            var eq = member.IndexOf('=');
            if (eq < 0 || !member[..eq].Trim().Equals("sha-256", StringComparison.OrdinalIgnoreCase)) continue;
            var value = member[(eq + 1)..].Trim();
            if (value.Length < 2 || value[0] != ':' || value[^1] != ':') throw Invalid("Content-Digest");
            return Base64Hex(value[1..^1], 32) ?? throw Invalid("Content-Digest");
        }
        return null;
    }

    private static string? Base64Hex(string value, int length)
    {
        var bytes = new byte[length + 3];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == length
            ? Convert.ToHexStringLower(bytes.AsSpan(0, length))
            : null;
    }

    private static string? Single(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

    private static RegistryError Invalid(string header) => RegistryError.BadRequest($"{header} header is invalid");
}
