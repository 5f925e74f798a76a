namespace Registry.Server.Operations;

/// <summary>Counts uploads in flight for <see cref="ShutdownDrain"/> and refuses new ones with 503 once it drains.</summary>
public sealed class ShutdownDrainMiddleware(RequestDelegate next, ShutdownDrain drain)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (RouteClasses.Of(http.Request) != RouteClass.Upload) return next(http);
        return UploadAsync(http);
    }

    private async Task UploadAsync(HttpContext http)
    {
        if (!drain.TryEnterUpload())
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.Connection = "close";
            http.Response.Headers.RetryAfter = "5";
            await http.Response.WriteAsJsonAsync(new { message = "503 Service Unavailable - the server is shutting down" },
                (System.Text.Json.JsonSerializerOptions?)null, "application/json");
            return;
        }
        try { await next(http); }
        finally { drain.ExitUpload(); }
    }
}
