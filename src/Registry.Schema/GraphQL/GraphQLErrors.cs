using GraphQL;
using GraphQL.Execution;
using Registry.Schema.GraphQL.Mutations;

namespace Registry.Schema.GraphQL;

/// <summary>
/// GraphQL's one translation of <see cref="RegistryError"/>: a mutation answers it as data in the payload's
/// <c>errors</c> (GitLab's convention); anywhere else (a query resolver) it becomes a GraphQL error with its message
/// and its kind as the error code, never "Error trying to resolve field".
/// </summary>
public static class GraphQLErrors
{
    public static async Task<TPayload> RunMutationAsync<TPayload>(MutationInput input, Func<TPayload, Task> action)
        where TPayload : MutationPayload, new()
    {
        var payload = new TPayload { ClientMutationId = input.ClientMutationId };
        try
        {
            await action(payload);
        }
        catch (RegistryError e)
        {
            return new TPayload { ClientMutationId = input.ClientMutationId, Errors = [.. e.Messages] };
        }
        return payload;
    }

    /// <summary>For <see cref="ExecutionOptions.UnhandledExceptionDelegate"/>.</summary>
    public static Task TranslateUnhandled(UnhandledExceptionContext context)
    {
        if (context.OriginalException is RegistryError e)
        {
            context.ErrorMessage = e.Message;
            context.Exception = new ExecutionError(e.Message) { Code = Code(e.Kind) };
        }
        return Task.CompletedTask;
    }

    private static string Code(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => "INVALID",
        ErrorKind.Unauthorized => "UNAUTHORIZED",
        ErrorKind.Forbidden => "FORBIDDEN",
        ErrorKind.NotFound => "NOT_FOUND",
        ErrorKind.Conflict => "CONFLICT",
        ErrorKind.Timeout => "TIMEOUT",
        ErrorKind.Unprocessable => "UNPROCESSABLE",
        _ => "INSUFFICIENT_STORAGE",
    };
}
