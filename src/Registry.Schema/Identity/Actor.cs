namespace Registry.Schema.Identity;

public enum ActorKind { Anonymous, User, DeployToken, JobToken }

/// <summary>Who is asking: the result of authenticating one request, whatever the transport.</summary>
public sealed record Actor(ActorKind Kind, User? User = null, TokenScopes Scopes = TokenScopes.None,
    DeployToken? DeployToken = null, CiJobToken? JobToken = null)
{
    public static readonly Actor Anonymous = new(ActorKind.Anonymous);

    /// <summary>The browser session this actor signed in with (web UI); null for tokens.</summary>
    public long? SessionId { get; init; }

    public bool IsAdmin => Kind == ActorKind.User && User!.IsAdmin;

    /// <summary>A personal token with the <c>api</c> scope may write; <c>read_api</c> may only read.</summary>
    public bool CanWriteApi => Kind == ActorKind.User && Scopes.HasFlag(TokenScopes.Api);

    /// <summary>The user behind a token that may change things through the API: 401 for nobody, 403 for too small a scope.</summary>
    public User RequireApiWriter()
    {
        const string why = "You must be signed in with a token that has the api scope";
        if (CanWriteApi) return User!;
        throw Kind == ActorKind.Anonymous ? RegistryError.Unauthorized(why) : RegistryError.Forbidden(why, restDetail: true);
    }
}

/// <summary>What a request presented, before it is checked.</summary>
public sealed record Credentials(string Token, CredentialSource Source, string? BasicUsername = null);

public enum CredentialSource { PrivateToken, JobToken, DeployToken, Bearer, Basic }
