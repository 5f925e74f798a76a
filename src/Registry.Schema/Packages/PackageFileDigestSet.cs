namespace Registry.Schema.Packages;

/// <summary>Which digests the registry computes and records for every uploaded file (<c>Registry:PackageFileDigests</c>).</summary>
public enum PackageFileDigestSet
{
    /// <summary>GitLab's three: SHA-256, SHA-1 and MD5 (<c>file_sha256</c>, <c>file_sha1</c>, <c>file_md5</c>).</summary>
    All,

    /// <summary>
    /// SHA-256 alone, as on GitLab's FIPS instances: <c>file_md5</c> and <c>file_sha1</c> are null in every answer, and
    /// an upload costs much less CPU (MD5 has no hardware help). A <c>Content-MD5</c> the client sends is still checked.
    /// </summary>
    Sha256,
}
