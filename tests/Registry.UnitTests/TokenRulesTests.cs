using System.Security.Cryptography;
using System.Text;
using Registry.Schema;
using Registry.Schema.Identity;

namespace Registry.UnitTests;

/// <summary>Token kinds, scopes, activity and secrets.</summary>
public sealed class TokenRulesTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void A_token_is_active_until_its_expiry_and_never_once_revoked()
    {
        PersonalAccessToken Token(DateTime? expires, DateTime? revoked = null) => new() { Digest = [1], ExpiresAt = expires, RevokedAt = revoked };
        Assert.True(Token(null).IsActive(Now));
        Assert.True(Token(Now.AddTicks(1)).IsActive(Now));
        Assert.False(Token(Now).IsActive(Now));
        Assert.False(Token(Now.AddTicks(-1)).IsActive(Now));
        Assert.False(Token(null, revoked: Now.AddDays(-1)).IsActive(Now));
        Assert.False(Token(Now.AddDays(1), revoked: Now.AddDays(1)).IsActive(Now));
    }

    [Fact]
    public void Only_a_user_with_an_api_token_writes_and_only_an_administrator_user_is_an_administrator()
    {
        var admin = new User { Username = "a", IsAdmin = true };
        var user = new User { Username = "u" };
        Assert.True(new Actor(ActorKind.User, admin, TokenScopes.Api).IsAdmin);
        Assert.False(new Actor(ActorKind.User, user, TokenScopes.Api).IsAdmin);
        // A job token minted by an administrator acts for its project, not as an administrator.
        Assert.False(new Actor(ActorKind.JobToken, admin, TokenScopes.Api, JobToken: new CiJobToken { Digest = [1] }).IsAdmin);
        Assert.False(Actor.Anonymous.IsAdmin);
        Assert.Equal(ActorKind.Anonymous, Actor.Anonymous.Kind);
        Assert.Null(Actor.Anonymous.User);

        Assert.True(new Actor(ActorKind.User, user, TokenScopes.Api).CanWriteApi);
        Assert.True(new Actor(ActorKind.User, user, TokenScopes.Api | TokenScopes.ReadApi).CanWriteApi);
        Assert.False(new Actor(ActorKind.User, user, TokenScopes.ReadApi).CanWriteApi);
        Assert.False(new Actor(ActorKind.JobToken, user, TokenScopes.Api, JobToken: new CiJobToken { Digest = [1] }).CanWriteApi);
        Assert.False(new Actor(ActorKind.DeployToken, null, TokenScopes.WritePackageRegistry, DeployToken: new DeployToken { Username = "d", Digest = [1] }).CanWriteApi);
    }

    [Theory]
    [InlineData(TokenSecrets.PersonalPrefix, "glpat-")]
    [InlineData(TokenSecrets.DeployPrefix, "gldt-")]
    [InlineData(TokenSecrets.JobPrefix, "glcbt-")]
    public void New_secrets_carry_gitlabs_prefix_and_192_random_bits_in_url_safe_base64(string prefix, string expected)
    {
        Assert.Equal(expected, prefix);
        var a = TokenSecrets.New(prefix);
        var b = TokenSecrets.New(prefix);
        Assert.StartsWith(expected, a);
        Assert.NotEqual(a, b);
        var body = a[expected.Length..];
        Assert.Equal(32, body.Length); // 24 bytes in base64, no padding
        Assert.Matches("^[A-Za-z0-9_-]{32}$", body);
        // URL-safe: no character that needs escaping in a header, a URL or Basic's user:password.
        var many = string.Concat(Enumerable.Range(0, 200).Select(_ => TokenSecrets.New("")));
        Assert.DoesNotContain('+', many);
        Assert.DoesNotContain('/', many);
        Assert.DoesNotContain('=', many);
        Assert.Contains('-', many);
        Assert.Contains('_', many);
    }

    [Fact]
    public void Only_the_sha256_digest_is_kept_and_compared()
    {
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("glpat-é")), TokenSecrets.Digest("glpat-é"));
        Assert.True(TokenSecrets.Matches(TokenSecrets.Digest("x"), TokenSecrets.Digest("x")));
        Assert.False(TokenSecrets.Matches(TokenSecrets.Digest("x"), TokenSecrets.Digest("y")));
    }

    [Fact]
    public void Changing_things_needs_an_api_token_401_for_nobody_403_for_too_small_a_scope()
    {
        var user = new User { Username = "u" };
        Assert.Same(user, new Actor(ActorKind.User, user, TokenScopes.Api).RequireApiWriter());

        var anonymous = Assert.Throws<RegistryError>(() => Actor.Anonymous.RequireApiWriter());
        Assert.Equal(ErrorKind.Unauthorized, anonymous.Kind);
        Assert.Equal("You must be signed in with a token that has the api scope", anonymous.Message);

        foreach (var actor in new[]
                 {
                     new Actor(ActorKind.User, user, TokenScopes.ReadApi),
                     new Actor(ActorKind.JobToken, user, TokenScopes.Api, JobToken: new CiJobToken { Digest = [1] }),
                     new Actor(ActorKind.DeployToken, null, TokenScopes.WritePackageRegistry, DeployToken: new DeployToken { Username = "d", Digest = [1] }),
                 })
        {
            var refused = Assert.Throws<RegistryError>(() => actor.RequireApiWriter());
            Assert.Equal(ErrorKind.Forbidden, refused.Kind);
            Assert.Equal("You must be signed in with a token that has the api scope", refused.Detail);
        }
    }

    [Fact]
    public void Display_names_default_to_empty()
    {
        Assert.Equal("", new User { Username = "u" }.Name);
        Assert.Equal("", new Namespace { Path = "p", FullPath = "p", FullPathKey = "p" }.Name);
        Assert.Equal("", new Project { Path = "p", FullPath = "p", FullPathKey = "p" }.Name);
        Assert.Equal("", new PersonalAccessToken { Digest = [1] }.Name);
    }
}
