using System.Net;

namespace Registry.Server.Operations;

/// <summary>The <c>Registry:Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Registry:Metrics";

    /// <summary>Off: no <c>/-/metrics</c> and nothing recorded.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Networks (CIDR) that may read <c>/-/metrics</c>, like GitLab's monitoring IP allowlist; others get 404. Unset:
    /// loopback only (<c>127.0.0.0/8</c>, <c>::1/128</c>).
    /// </summary>
    public string[]? AllowedNetworks { get; set; }

    public IReadOnlyList<IPNetwork> Networks() =>
        (AllowedNetworks ?? ["127.0.0.0/8", "::1/128"]).Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network
            : throw new InvalidOperationException($"{Section}:AllowedNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/8)")).ToList();
}
