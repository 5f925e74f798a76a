using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Registry.Schema.GraphQL;
using Registry.Schema.Identity;
using Registry.Server.Access;
using Registry.Server.Authentication;

namespace Registry.Server.GraphQL;

/// <summary>
/// GraphQL over HTTP on GraphQL.NET's core types: POST with JSON, GET for queries only. Requests that cannot be
/// parsed or validated answer 400; a mutation over GET answers 405.
/// </summary>
public static class GraphQLHttpEndpoint
{
    public const string GraphQLResponseMediaType = "application/graphql-response+json";
    private const string GetNotAllowedCode = "HTTP_METHOD_VALIDATION";
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapGraphQLEndpoint(this IEndpointRouteBuilder app, params string[] paths)
    {
        foreach (var path in paths)
        {
            // Each GraphQL field declares its own access (Registry.Schema.Access), checked by a field middleware.
            app.MapPost(path, Post).Public("each field declares its access");
            app.MapGet(path, Get).Public("each field declares its access");
        }
        return app;
    }

    private static async Task Post(HttpContext http, IGraphQLTextSerializer serializer)
    {
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "The request body is not a valid GraphQL request: " + e.Message);
            return;
        }
        await ExecuteAsync(http, serializer, request, allowMutations: true);
    }

    private static async Task Get(HttpContext http, IGraphQLTextSerializer serializer)
    {
        var q = http.Request.Query;
        Inputs? variables = null;
        if (!string.IsNullOrEmpty(q["variables"]))
        {
            try { variables = serializer.Deserialize<Inputs>(q["variables"].ToString()); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "variables is not valid JSON");
                return;
            }
        }
        var request = new GraphQLRequest { Query = q["query"], OperationName = q["operationName"], Variables = variables };
        await ExecuteAsync(http, serializer, request, allowMutations: false);
    }

    private static async Task ExecuteAsync(HttpContext http, IGraphQLTextSerializer serializer, GraphQLRequest? request, bool allowMutations)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status400BadRequest, "GraphQL query is missing.");
            return;
        }
        var auth = await http.AuthenticateRegistryAsync();
        if (auth.Outcome == AuthenticationOutcome.Invalid)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(http, serializer, StatusCodes.Status401Unauthorized, "Invalid token");
            return;
        }
        if (auth.Outcome == AuthenticationOutcome.Blocked)
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status403Forbidden, AuthenticationResult.BlockedMessage);
            return;
        }

        var executer = http.RequestServices.GetRequiredService<IDocumentExecuter<ISchema>>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(RequestTimeout);
        ExecutionResult result;
        try
        {
            result = await Execute(executer, http, request, auth.Actor, allowMutations, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status503ServiceUnavailable, "The query took too long to run and was stopped.");
            return;
        }
        await WriteResultAsync(http, serializer, result);
    }

    private static Task<ExecutionResult> Execute(IDocumentExecuter<ISchema> executer, HttpContext http, GraphQLRequest request,
        Actor actor, bool allowMutations, CancellationToken ct) =>
        executer.ExecuteAsync(options =>
        {
            options.Query = request.Query;
            options.OperationName = request.OperationName;
            options.Variables = request.Variables;
            options.Extensions = request.Extensions;
            options.RequestServices = http.RequestServices;
            options.UserContext = new RegistryUserContext(actor, Hosting.PublicUrl.Root(http.Request));
            options.CancellationToken = ct;
            if (!allowMutations) options.ValidationRules = DocumentValidator.CoreRules.Append(QueriesOnlyRule.Instance);
        });

    private static async Task WriteResultAsync(HttpContext http, IGraphQLTextSerializer serializer, ExecutionResult result)
    {
        var status = StatusCodes.Status200OK;
        if (!result.Executed)
            status = result.Errors?.Any(e => e is ValidationError { Number: GetNotAllowedCode }) == true
                ? StatusCodes.Status405MethodNotAllowed
                : StatusCodes.Status400BadRequest;
        if (status == StatusCodes.Status405MethodNotAllowed) http.Response.Headers.Allow = "POST";
        http.Response.StatusCode = status;
        http.Response.ContentType = ResponseMediaType(http);
        TagErrors(http, result);
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>
    /// Every error names the request (its <c>X-Request-Id</c>), so a client's report leads to the log lines; validation
    /// errors too. Except those of introspection-only documents: Banana Cake Pop probes the server's introspection
    /// features with queries that fail validation, and stops loading the schema when those errors carry an extension.
    /// </summary>
    private static void TagErrors(HttpContext http, ExecutionResult result)
    {
        if (result.Errors is null || !result.Executed && IsIntrospectionOnly(result.Document)) return;
        foreach (var error in result.Errors)
        {
            error.Extensions ??= new Dictionary<string, object?>();
            error.Extensions["correlationId"] = http.TraceIdentifier;
        }
    }

    /// <summary>Whether every operation of the document selects only <c>__schema</c>, <c>__type</c> or <c>__typename</c>.</summary>
    private static bool IsIntrospectionOnly(GraphQLDocument? document)
    {
        var operations = document?.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        return operations is { Count: > 0 } && operations.All(op => op.SelectionSet.Selections.All(s =>
            s is GraphQLField field && field.Name.StringValue.StartsWith("__", StringComparison.Ordinal)));
    }

    private static Task WriteErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ResponseMediaType(http);
        var result = new ExecutionResult { Errors = [new ExecutionError(message)] };
        TagErrors(http, result);
        return serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private static string ResponseMediaType(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains(GraphQLResponseMediaType, StringComparison.OrdinalIgnoreCase)
            ? GraphQLResponseMediaType + "; charset=utf-8"
            : "application/json; charset=utf-8";

    /// <summary>GET must not change anything: only query operations pass.</summary>
    private sealed class QueriesOnlyRule : ValidationRuleBase
    {
        public static readonly QueriesOnlyRule Instance = new();

        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
            new(new MatchingNodeVisitor<GraphQLOperationDefinition>((op, ctx) =>
            {
                if (op.Operation != OperationType.Query && (ctx.Operation is null || ctx.Operation == op))
                    ctx.ReportError(new ValidationError(ctx.Document.Source, GetNotAllowedCode,
                        $"Only query operations can be sent with GET; use POST for {op.Operation.ToString().ToLowerInvariant()}s.", op));
            }));
    }
}
