namespace Registry.Server.Responses;

/// <summary>
/// What GitLab's API answers where no route matches: an unknown path under <c>/api/v4/</c> is
/// <c>404 {"error":"404 Not Found"}</c> (clients print it), a known path with another method
/// <c>405 {"error":"405 Not Allowed"}</c> with <c>Allow</c>, instead of ASP.NET Core's empty bodies.
/// </summary>
public static class ApiFallback
{
    public static async Task Middleware(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/api/v4"))
        {
            await next(http);
            return;
        }
        if (http.GetEndpoint() is null)
        {
            await Error("404 Not Found", StatusCodes.Status404NotFound).ExecuteAsync(http);
            return;
        }
        await next(http);
        // Routing's own 405 endpoint sets the status and Allow and writes nothing.
        if (http.Response is { StatusCode: StatusCodes.Status405MethodNotAllowed, HasStarted: false })
            await Error("405 Not Allowed", StatusCodes.Status405MethodNotAllowed).ExecuteAsync(http);
    }

    private static IResult Error(string error, int status) => GitLabJson.Status(new { error }, status);
}
