using Microsoft.Extensions.Options;
using Registry.Schema;

namespace Registry.Server.Hosting;

/// <summary>Where absolute URLs in responses start: <c>Registry:ExternalUrl</c>, or else the request's own address.</summary>
public static class PublicUrl
{
    /// <summary>Scheme, host and base path, without a trailing slash.</summary>
    public static string Root(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value.ExternalUrl is { } external
            ? external.AbsoluteUri.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
}
