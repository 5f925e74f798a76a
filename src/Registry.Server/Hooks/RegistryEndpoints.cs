using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Hooks;

namespace Registry.Server.Hooks;

/// <summary>
/// This instance's own addresses (what Kestrel listens on and <c>Registry:ExternalUrl</c>), for <see cref="UrlGuard"/>,
/// and the root of the absolute URLs that hook bodies carry.
/// </summary>
public sealed class RegistryEndpoints(IServer server, IOptions<RegistryOptions> options) : IRegistryEndpoints
{
    private IEnumerable<Uri> Listening =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        .Select(a => Uri.TryCreate(a.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var u) ? u : null)
        .OfType<Uri>();

    public bool IsSelf(IPAddress address, int port)
    {
        foreach (var uri in Listening.Append(options.Value.ExternalUrl).OfType<Uri>())
        {
            if (uri.Port != port) continue;
            var host = uri.IdnHost.Trim('[', ']');
            if (host == "localhost" && IPAddress.IsLoopback(address)) return true;
            if (!IPAddress.TryParse(host, out var listening)) continue;
            if (listening.Equals(IPAddress.Any) || listening.Equals(IPAddress.IPv6Any)) return IPAddress.IsLoopback(address) || UrlGuard.IsLocal(address);
            if (listening.Equals(address) || (IPAddress.IsLoopback(listening) && IPAddress.IsLoopback(address))) return true;
        }
        return false;
    }

    /// <summary>Scheme, host and base path for absolute URLs in hook bodies, without a trailing slash.</summary>
    public string Root =>
        options.Value.ExternalUrl?.AbsoluteUri.TrimEnd('/')
        ?? Listening.Select(u => u.Host is "0.0.0.0" or "[::]" ? new UriBuilder(u) { Host = "localhost" }.Uri : u)
            .Select(u => u.GetLeftPart(UriPartial.Authority)).FirstOrDefault()
        ?? "http://localhost";
}
