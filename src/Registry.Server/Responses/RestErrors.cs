using Registry.Schema.Storage;

namespace Registry.Server.Responses;

/// <summary>
/// REST's one translation of <see cref="RegistryError"/> into GitLab's status codes and bodies, and the middleware
/// that applies it to whatever an endpoint throws.
/// </summary>
public static class RestErrors
{
    public const string Realm = "Basic realm=\"GitLab Packages Registry\"";

    public static IResult ToResult(RegistryError error, HttpContext http)
    {
        var (status, text) = error.Kind switch
        {
            ErrorKind.Unauthorized => (StatusCodes.Status401Unauthorized, "401 Unauthorized"),
            ErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "403 Forbidden"),
            ErrorKind.NotFound => (StatusCodes.Status404NotFound,
                "404 " + (error.Detail ?? (error.Subject is null ? "Not Found" : error.Subject + " Not Found"))),
            ErrorKind.Conflict => (StatusCodes.Status409Conflict, "409 Conflict"),
            ErrorKind.Timeout => (StatusCodes.Status408RequestTimeout, "408 Request Timeout"),
            ErrorKind.InsufficientStorage => (StatusCodes.Status507InsufficientStorage, "507 Insufficient Storage"),
            ErrorKind.Unprocessable => (StatusCodes.Status422UnprocessableEntity, "422 Unprocessable Entity"),
            _ => (StatusCodes.Status400BadRequest, "400 Bad request"),
        };
        if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = Realm;
        if (AbandonsBody(error)) http.Response.Headers.Connection = "close";
        if (error.Parameter is not null) return GitLabJson.Status(new { error = error.Message }, status);
        // GitLab renders model validation errors as render_api_error!({ error: messages }, :unprocessable_entity).
        if (error.Kind == ErrorKind.Unprocessable) return GitLabJson.Status(new { message = new { error = error.Messages } }, status);
        if (error.Detail is not null && error.Kind != ErrorKind.NotFound) text += " - " + error.Detail;
        return Message(text, status);
    }

    /// <summary>
    /// Refusals that leave the request body part-read (a stalled upload, a full disk): the connection closes after the
    /// answer instead of being kept for another request behind a body nobody will read.
    /// </summary>
    private static bool AbandonsBody(RegistryError error) => error.Kind is ErrorKind.Timeout or ErrorKind.InsufficientStorage;

    /// <summary>
    /// A download that failed after its file headers were set but before anything was sent: the error answer must not
    /// carry the file's length, name or validators.
    /// </summary>
    private static void DropFileHeaders(HttpResponse response)
    {
        response.ContentLength = null;
        foreach (var header in (string[])["Content-Disposition", "ETag", "Last-Modified", "Accept-Ranges", "X-Checksum-SHA256"])
            response.Headers.Remove(header);
    }

    public static IResult Message(string message, int status) => GitLabJson.Status(new { message }, status);

    /// <summary>Turns a <see cref="RegistryError"/> anywhere below into its response; other failures stay failures.</summary>
    public static async Task Middleware(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http);
        }
        catch (RegistryError error) when (!http.Response.HasStarted)
        {
            await ToResult(error, http).ExecuteAsync(http);
        }
        catch (BadHttpRequestException bad) when (!http.Response.HasStarted)
        {
            // Malformed or truncated bodies (a Content-Length the client did not honour, a broken chunk).
            await Message($"400 Bad request - {bad.Message}", bad.StatusCode).ExecuteAsync(http);
        }
        catch (IOException bad) when (!http.Response.HasStarted && bad.InnerException is OverflowException)
        {
            // Kestrel reports a chunk size beyond 64 bits (ffffffffffffffff) as a plain IOException, not a bad request.
            await Message($"400 Bad request - {bad.Message}", StatusCodes.Status400BadRequest).ExecuteAsync(http);
        }
        catch (Exception gone) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a cancelled read, a reset connection): nothing to answer, nothing broken.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server").LogDebug(gone,
                "The client of {Method} {Path} went away", http.Request.Method, http.Request.Path);
        }
        catch (Exception e) when (!http.Response.HasStarted && InsufficientStorage.Is(e))
        {
            // A full disk or database outside an upload (which answers 507 itself): not a bug, one warning.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server").LogWarning(
                "Out of storage in {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, e.GetBaseException().Message);
            DropFileHeaders(http.Response);
            await ToResult(RegistryError.InsufficientStorage(), http).ExecuteAsync(http);
        }
        catch (Exception e) when (StorageUnavailable.Is(e))
        {
            // The blob store is down: the operator's to fix, the client's to retry. One warning a minute, not an error each.
            http.RequestServices.GetRequiredService<Storage.StorageOutage>().Failed(e, $"{http.Request.Method} {http.Request.Path}");
            if (http.Response.HasStarted)
            {
                http.Abort(); // a download cut off in the middle: its client sees the connection end short of the length
                return;
            }
            DropFileHeaders(http.Response);
            http.Response.Headers.RetryAfter = Storage.StorageOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers.Connection = "close"; // an upload's body is left unread
            await Message("503 Service Unavailable", StatusCodes.Status503ServiceUnavailable).ExecuteAsync(http);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            // A bug, not the client's fault: log it and answer in GitLab's shape rather than with an empty body.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server").LogError(e,
                "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
            DropFileHeaders(http.Response);
            await Message("500 Internal Server Error", StatusCodes.Status500InternalServerError).ExecuteAsync(http);
        }
    }
}
