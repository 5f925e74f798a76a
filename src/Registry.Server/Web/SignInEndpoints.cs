using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Schema.Identity;
using Registry.Server.Access;

namespace Registry.Server.Web;

/// <summary>
/// The web UI's only endpoints outside the GraphQL API: password sign-in and sign-out, on GitLab's paths. Everything
/// else the UI does goes through <c>/api/graphql</c> and the REST file URLs with the session cookie.
/// </summary>
public static class SignInEndpoints
{
    public const string SignInPath = "/users/sign_in";
    public const string SignOutPath = "/users/sign_out";

    public sealed record SignInRequest(
        [property: JsonPropertyName("username")] string? Username,
        [property: JsonPropertyName("password")] string? Password);

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignInPath, SignInAsync).Public("signing in: the password is the credential");
        app.MapPost(SignOutPath, SignOutAsync).Public("signing out ends the session the cookie names, if any");
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, SignInService signIn, ILoggerFactory logs)
    {
        // JSON only: a cross-site HTML form cannot send it without the browser asking us first (login CSRF).
        if (!http.Request.HasJsonContentType())
            return Message(StatusCodes.Status415UnsupportedMediaType, "415 Unsupported Media Type - send application/json");
        SignInRequest? body;
        try { body = await http.Request.ReadFromJsonAsync<SignInRequest>(http.RequestAborted); }
        catch (JsonException) { body = null; }
        if (body is not { Username.Length: > 0, Password.Length: > 0 })
            return Message(StatusCodes.Status400BadRequest, "400 Bad request - username and password are required");

        var result = await signIn.SignInAsync(body.Username, body.Password, http.Connection.RemoteIpAddress?.ToString() ?? "", http.RequestAborted);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                SessionCookie.Write(http, result.Secret!, result.ExpiresAt!.Value);
                http.Response.Headers.CacheControl = "no-store";
                return Results.Json(new { username = body.Username, csrf_token = SignInService.CsrfToken(result.Secret!) });
            case SignInOutcome.LockedOut:
                var seconds = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - DateTime.UtcNow).TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                logs.CreateLogger("Registry.Server.SignIn").LogInformation("Sign-in refused: {Username} is locked for {Seconds} s", body.Username, seconds);
                return Message(StatusCodes.Status429TooManyRequests,
                    $"Your account is locked after too many failed sign-in attempts. Try again in {Minutes(seconds)}.");
            case SignInOutcome.Blocked:
                // GitLab's sign-in page says the same.
                return Message(StatusCodes.Status403Forbidden,
                    "Your account has been blocked. Please contact your GitLab administrator if you think this is an error.");
            default:
                return Message(StatusCodes.Status401Unauthorized, "Invalid username or password.");
        }
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, SignInService signIn)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (SessionCookie.Read(http.Request) is { } secret)
        {
            // Signing somebody out is a write too: another site must not be able to do it.
            if (!SignInService.CsrfTokenMatches(secret, http.Request.Headers[SessionCookie.CsrfHeader].ToString()))
                return Message(StatusCodes.Status403Forbidden, "403 Forbidden - invalid CSRF token");
            await signIn.SignOutAsync(secret, http.RequestAborted);
        }
        SessionCookie.Clear(http);
        return Results.NoContent();
    }

    private static string Minutes(int seconds) => seconds < 90 ? $"{seconds} seconds" : $"{(seconds + 59) / 60} minutes";

    private static IResult Message(int status, string message) => Results.Json(new { message }, statusCode: status);
}
