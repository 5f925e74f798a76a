namespace Registry.Schema;

/// <summary>What kind of refusal a <see cref="RegistryError"/> is; each transport maps it to its own status.</summary>
public enum ErrorKind { Invalid, Unauthorized, Forbidden, NotFound, Conflict, Timeout, InsufficientStorage, Unprocessable }

/// <summary>
/// The one error the domain raises for a request it refuses. Services throw it; REST (Registry.Server's
/// <c>RestErrors</c>) and GraphQL (<c>GraphQLErrors</c>) each translate it in one place, so a rule never knows which
/// transport asked. <see cref="Exception.Message"/> is the sentence a person reads (GraphQL's <c>errors</c>); REST
/// frames it in GitLab's bodies (<c>{"message":"404 Package Not Found"}</c>, <c>{"error":"file_name is invalid"}</c>).
/// </summary>
public sealed class RegistryError : Exception
{
    /// <summary>GitLab's GraphQL answer for anything missing or hidden from the caller.</summary>
    public const string ResourceNotAvailable =
        "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

    private RegistryError(ErrorKind kind, string message, string? parameter = null, string? subject = null, string? detail = null,
        IReadOnlyList<string>? messages = null)
        : base(message)
    {
        Kind = kind;
        Parameter = parameter;
        Subject = subject;
        Detail = detail;
        Messages = messages ?? [message];
    }

    public ErrorKind Kind { get; }

    /// <summary>Every sentence a person reads: GraphQL's <c>errors</c> lists each; one for all kinds but validation failures.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Set for GitLab's parameter validation shape, <c>{"error":"&lt;parameter&gt; is invalid"}</c>.</summary>
    public string? Parameter { get; }

    /// <summary>What was not found, as REST names it (<c>404 Package Not Found</c>); null for a bare <c>404 Not Found</c>.</summary>
    public string? Subject { get; }

    /// <summary>
    /// The words REST puts after the status line (<c>400 Bad request - &lt;detail&gt;</c>); null for none. For
    /// <see cref="ErrorKind.NotFound"/> they replace the whole phrase after <c>404</c>.
    /// </summary>
    public string? Detail { get; }

    public static RegistryError Invalid(string parameter, string why = "is invalid") =>
        new(ErrorKind.Invalid, $"{parameter} {why}", parameter: parameter);

    public static RegistryError BadRequest(string why) => new(ErrorKind.Invalid, why, detail: why);

    public static RegistryError Unauthorized(string why = "You must be signed in with a token that has the api scope") =>
        new(ErrorKind.Unauthorized, why);

    /// <param name="why">the reason a person reads; REST adds it to <c>403 Forbidden</c> only when <paramref name="restDetail"/></param>
    /// <param name="restDetail">whether REST shows the reason (<c>403 Forbidden - &lt;why&gt;</c>) or only the status</param>
    public static RegistryError Forbidden(string why = ResourceNotAvailable, bool restDetail = false) =>
        new(ErrorKind.Forbidden, why, detail: restDetail ? why : null);

    /// <param name="subject">what REST says was not found (<c>Package</c>, <c>Project</c>); null for <c>404 Not Found</c></param>
    /// <param name="why">what GraphQL says; GitLab's resource-not-available sentence by default</param>
    public static RegistryError NotFound(string? subject = null, string why = ResourceNotAvailable) =>
        new(ErrorKind.NotFound, why, subject: subject);

    /// <summary>GitLab's answer when a record lookup fails (<c>ActiveRecord::RecordNotFound</c>): <c>404 Not found</c>.</summary>
    public static RegistryError RecordNotFound() => new(ErrorKind.NotFound, ResourceNotAvailable, detail: "Not found");

    public static RegistryError Conflict(string why) => new(ErrorKind.Conflict, why, detail: why);

    /// <summary>
    /// A record that fails validation (GitLab's model errors, <c>422 Unprocessable Entity</c> in REST with
    /// <c>{"message":{"error":[...]}}</c>): a taken name, a pattern of the wrong form.
    /// </summary>
    public static RegistryError Unprocessable(params string[] messages) =>
        new(ErrorKind.Unprocessable, string.Join(" ", messages), messages: messages);

    public static RegistryError Stalled() => new(ErrorKind.Timeout, "the upload stalled", detail: "the upload stalled");

    public static RegistryError InsufficientStorage() => new(ErrorKind.InsufficientStorage, "Insufficient storage");

    public static RegistryError TooLarge() => BadRequest("File is too large");

    public static RegistryError DuplicateNotAllowed() => BadRequest("Duplicate package is not allowed");

    public static RegistryError ChecksumMismatch() => BadRequest("Checksum mismatch");
}
