namespace Registry.Schema.Packages;

public enum ProblemKind { BadRequest, Unauthorized, Forbidden, NotFound, RequestTimeout }

/// <summary>
/// A refusal the client caused, with GitLab's message. <see cref="InvalidParameter"/> set means GitLab's validation
/// shape (<c>{"error":"&lt;param&gt; is invalid"}</c>); otherwise <c>{"message":"..."}</c>.
/// </summary>
public sealed class RegistryProblem(ProblemKind kind, string message, string? invalidParameter = null) : Exception(message)
{
    public ProblemKind Kind { get; } = kind;
    public string? InvalidParameter { get; } = invalidParameter;

    public static RegistryProblem Invalid(string parameter, string why = "is invalid") =>
        new(ProblemKind.BadRequest, $"{parameter} {why}", parameter);
    public static RegistryProblem BadRequest(string why) => new(ProblemKind.BadRequest, $"400 Bad request - {why}");
    public static RegistryProblem NotFound(string what) => new(ProblemKind.NotFound, $"404 {what} Not Found");
    public static RegistryProblem Forbidden() => new(ProblemKind.Forbidden, "403 Forbidden");
    public static RegistryProblem Unauthorized() => new(ProblemKind.Unauthorized, "401 Unauthorized");
    public static RegistryProblem Stalled() => new(ProblemKind.RequestTimeout, "408 Request Timeout - the upload stalled");
    public static RegistryProblem TooLarge() => BadRequest("File is too large");
    public static RegistryProblem DuplicateNotAllowed() => BadRequest("Duplicate package is not allowed");
}
