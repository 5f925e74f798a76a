using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Registry.Schema.Hooks;

/// <summary>
/// Server-side request forgery rules for hook URLs (GitLab's UrlBlocker): http or https only, and, unless the
/// administrators allow the local network, no loopback, link-local (the cloud metadata address among them), private,
/// unique-local, unspecified or multicast address, and none of this machine's own addresses. The registry's own
/// listening endpoints are refused even when the local network is allowed (a hook must not call the registry).
/// The same check runs when a hook is saved and on every connection the dispatcher makes, on the address it connects to.
/// </summary>
public sealed class UrlGuard(IRegistryEndpoints self)
{
    /// <summary>Parses and checks the URL's form; a clear message when it is refused.</summary>
    public static Uri ParseUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            throw RegistryError.Unprocessable("Url is blocked: Only allowed schemes are http, https");
        if (uri.Scheme is not ("http" or "https")) throw RegistryError.Unprocessable("Url is blocked: Only allowed schemes are http, https");
        if (string.IsNullOrEmpty(uri.Host)) throw RegistryError.Unprocessable("Url is blocked: Host cannot be blank");
        return uri;
    }

    /// <summary>Resolves the host and checks every address (a name must not resolve to anything refused).</summary>
    public async Task<IPAddress[]> ResolveAndCheckAsync(Uri uri, bool allowLocal, CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal)) addresses = [literal];
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, ct); }
            catch (SocketException) { throw RegistryError.Unprocessable("Url is blocked: Host cannot be resolved or invalid"); }
        }
        if (addresses.Length == 0) throw RegistryError.Unprocessable("Url is blocked: Host cannot be resolved or invalid");
        foreach (var address in addresses) Check(address, uri.Port, allowLocal);
        return addresses;
    }

    /// <summary>Refuses one address (and port) by the rules above.</summary>
    public void Check(IPAddress address, int port, bool allowLocal)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (self.IsSelf(address, port)) throw RegistryError.Unprocessable("Url is blocked: Requests to the registry itself are not allowed");
        if (allowLocal) return;
        if (IsLocal(address) || IsOwnInterface(address))
            throw RegistryError.Unprocessable("Url is blocked: Requests to the local network are not allowed");
    }

    public static bool IsLocal(IPAddress a)
    {
        if (IPAddress.IsLoopback(a) || a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.Broadcast)) return true;
        if (a.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b6 = a.GetAddressBytes();
            return a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast || (b6[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        var b = a.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] >= 64 && b[1] < 128,          // 100.64.0.0/10 carrier-grade NAT
            169 => b[1] == 254,                        // link-local, 169.254.169.254 metadata among them
            172 => b[1] >= 16 && b[1] < 32,
            192 => b[1] == 168 || (b[1] == 0 && b[2] == 0),
            198 => b[1] == 18 || b[1] == 19,           // benchmarking networks
            >= 224 => true,                            // multicast and reserved
            _ => false,
        };
    }

    private static bool IsOwnInterface(IPAddress address)
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses).Any(u => u.Address.Equals(address));
        }
        catch (NetworkInformationException) { return false; }
    }
}

/// <summary>Where this registry listens and what it calls itself, so a hook cannot point back at it.</summary>
public interface IRegistryEndpoints
{
    bool IsSelf(IPAddress address, int port);
}
