namespace Registry.Schema.Packages;

/// <summary>Digests a client declared for its upload (lower-case hex); each one given is checked while streaming.</summary>
public sealed record ExpectedDigests(string? Sha256 = null, string? Md5 = null)
{
    public static readonly ExpectedDigests None = new();

    public bool Matches(ContentDigests actual) =>
        (Sha256 is null || string.Equals(Sha256, actual.Sha256, StringComparison.Ordinal))
        && (Md5 is null || string.Equals(Md5, actual.Md5, StringComparison.Ordinal));
}
