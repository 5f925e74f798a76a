namespace Registry.Server.Middleware;

/// <summary>
/// Gives every request an id: the client's <c>X-Request-Id</c> when it is well formed (what a proxy in front already
/// logged), otherwise Kestrel's own request id (<see cref="HttpContext.TraceIdentifier"/>: connection id and request
/// number, unique per process start), which ASP.NET Core's logs already carry; a GUID of our own would cost a
/// random-number system call on every request. It goes back in the response's <c>X-Request-Id</c>, is the request's
/// TraceIdentifier (which Kestrel's log lines and GraphQL errors carry) and the <c>CorrelationId</c> of every log line
/// the request writes, as GitLab logs the same value as <c>correlation_id</c>.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> log)
{
    public const string Header = "X-Request-Id";
    private const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext http)
    {
        string id;
        if (http.Request.Headers[Header] is { Count: 1 } sent && IsWellFormed(sent[0])) http.TraceIdentifier = id = sent[0]!;
        else id = http.TraceIdentifier;
        // Set before the endpoint runs, so every answer carries it: errors, 429s, 503s and streamed downloads alike.
        http.Response.Headers[Header] = id;
        using (log.BeginScope(new CorrelationScope(id)))
            await next(http);
    }

    /// <summary>Letters, digits and <c>-_.:@</c>, up to 128 characters: safe in a log line and a header.</summary>
    public static bool IsWellFormed(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '@')) return false;
        return true;
    }

    /// <summary>A log scope with one property; formats as <c>CorrelationId:&lt;id&gt;</c>.</summary>
    private sealed class CorrelationScope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index == 0 ? new("CorrelationId", id) : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => 1;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() { yield return this[0]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => "CorrelationId:" + id;
    }
}
