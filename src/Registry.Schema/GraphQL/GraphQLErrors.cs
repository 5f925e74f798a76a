using GraphQL;
using GraphQL.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.Storage;

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
        var log = context.ExecutionOptions.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(typeof(GraphQLErrors).FullName!);
        if (context.OriginalException is RegistryError e)
        {
            context.ErrorMessage = e.Message;
            context.Exception = new ExecutionError(e.Message) { Code = Code(e.Kind) };
        }
        else if (InsufficientStorage.Is(context.OriginalException))
        {
            // A full disk or database: not a bug, so one warning and the same kind of error REST answers 507 for.
            var error = RegistryError.InsufficientStorage();
            log?.LogWarning("Out of storage in GraphQL field {Field}: {Reason}", context.FieldContext?.FieldDefinition.Name,
                context.OriginalException.GetBaseException().Message);
            context.ErrorMessage = error.Message;
            context.Exception = new ExecutionError(error.Message) { Code = Code(error.Kind) };
        }
        else if (context.OriginalException is not OperationCanceledException)
        {
            // A bug or an unreachable database: logged once here (EF Core's own lines for failed commands are Debug,
            // see DatabaseSetup), the client gets GraphQL.NET's generic message.
            log?.LogError(context.OriginalException, "Unhandled error in GraphQL field {Field}", context.FieldContext?.FieldDefinition.Name);
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
