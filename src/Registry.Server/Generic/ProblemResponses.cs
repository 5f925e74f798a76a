using Registry.Schema.Packages;

namespace Registry.Server.Generic;

/// <summary>Writes refusals in GitLab's shapes and status codes.</summary>
public static class ProblemResponses
{
    public const string Realm = "Basic realm=\"GitLab Packages Registry\"";

    public static IResult ToResult(RegistryProblem problem, HttpContext http)
    {
        var status = problem.Kind switch
        {
            ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
            ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
            ProblemKind.NotFound => StatusCodes.Status404NotFound,
            ProblemKind.RequestTimeout => StatusCodes.Status408RequestTimeout,
            _ => StatusCodes.Status400BadRequest,
        };
        if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = Realm;
        return problem.InvalidParameter is not null
            ? Results.Json(new { error = problem.Message }, statusCode: status)
            : Results.Json(new { message = problem.Message }, statusCode: status);
    }

    /// <summary>Turns a <see cref="RegistryProblem"/> anywhere below into its response; other failures stay failures.</summary>
    public static async Task Middleware(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http);
        }
        catch (RegistryProblem problem) when (!http.Response.HasStarted)
        {
            await ToResult(problem, http).ExecuteAsync(http);
        }
        catch (BadHttpRequestException bad) when (!http.Response.HasStarted)
        {
            // Malformed or truncated bodies (a Content-Length the client did not honour, a broken chunk).
            await Results.Json(new { message = $"400 Bad request - {bad.Message}" }, statusCode: bad.StatusCode).ExecuteAsync(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            // A bug, not the client's fault: log it and answer in GitLab's shape rather than with an empty body.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server").LogError(e,
                "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
            await Results.Json(new { message = "500 Internal Server Error" }, statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(http);
        }
    }
}
