using Registry.Schema.Audit;

namespace Registry.Server.Lifecycle;

/// <summary>Hands the domain's audit log what only HTTP knows: the client's address (behind a proxy, the proxy's).</summary>
public static class AuditRequest
{
    public static Task Middleware(HttpContext http, RequestDelegate next)
    {
        http.RequestServices.GetRequiredService<AuditContext>().IpAddress = http.Connection.RemoteIpAddress?.ToString();
        return next(http);
    }
}
