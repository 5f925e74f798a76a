using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL;

/// <summary>
/// The mutation root (docs/api-contract.md, GraphQL): administration and packages. Refusals come back in <c>errors</c>. Each mutation declares
/// the access it needs with a <see cref="FieldAccessAttribute"/>, which <see cref="FieldAccessMiddleware"/> enforces.
/// </summary>
public sealed partial class Mutation
{
    [RequiresApiWriter]
    public static Task<CreateGroupPayload> CreateGroup(CreateGroupInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateGroupPayload>(input, async p => p.Group = new GroupNode(await admin.CreateGroupAsync(ctx.Actor, input.Path, input.Name,
            input.ParentPath, input.Visibility ?? Visibility.Private, ct)));

    [RequiresApiWriter]
    public static Task<CreateProjectPayload> CreateProject(CreateProjectInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateProjectPayload>(input, async p => p.Project = new ProjectNode(await admin.CreateProjectAsync(ctx.Actor, input.NamespacePath,
            input.Path, input.Name, input.Visibility ?? Visibility.Private, ct)));

    [RequiresAdmin(IdentityAdmin.OnlyAdministratorsCreateUsers)]
    public static Task<CreateUserPayload> CreateUser(CreateUserInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateUserPayload>(input, async p => p.User = new UserNode(await admin.CreateUserAsync(ctx.Actor, input.Username, input.Name, input.Admin ?? false, ct, input.Password)));

    [RequiresApiWriter]
    public static Task<AddMemberPayload> AddGroupMember(AddGroupMemberInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<AddMemberPayload>(input, async p =>
        {
            await admin.AddGroupMemberAsync(ctx.Actor, input.GroupPath, input.Username, input.AccessLevel, ct);
            p.AccessLevel = input.AccessLevel;
        });

    [RequiresApiWriter]
    public static Task<AddMemberPayload> AddProjectMember(AddProjectMemberInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<AddMemberPayload>(input, async p =>
        {
            await admin.AddProjectMemberAsync(ctx.Actor, input.ProjectPath, input.Username, input.AccessLevel, ct);
            p.AccessLevel = input.AccessLevel;
        });

    [RequiresApiWriter]
    public static Task<CreateTokenPayload> CreatePersonalAccessToken(CreatePersonalAccessTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateTokenPayload>(input, async p => Fill(p, GlobalId.PersonalAccessToken, await admin.CreatePersonalAccessTokenAsync(ctx.Actor,
            input.Username, input.Name, Scopes(input.Scopes), input.ExpiresAt, ct)));

    [RequiresApiWriter]
    public static Task<CreateTokenPayload> CreateDeployToken(CreateDeployTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateTokenPayload>(input, async p => Fill(p, GlobalId.DeployToken, await admin.CreateDeployTokenAsync(ctx.Actor,
            input.ProjectPath, input.GroupPath, input.Name, input.Username, Scopes(input.Scopes), input.ExpiresAt, ct)));

    [RequiresApiWriter]
    public static Task<CreateTokenPayload> CreateCiJobToken(CreateCiJobTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<CreateTokenPayload>(input, async p => Fill(p, GlobalId.CiJobToken, await admin.CreateCiJobTokenAsync(ctx.Actor, input.ProjectPath, ct)));

    [AccessCheckedBy(typeof(ResourceAccessTokens), nameof(ResourceAccessTokens.CanManageAsync))]
    [System.ComponentModel.Description("Creates a project access token: a bot user with that role in the project. Maintainers only.")]
    public static Task<CreateTokenPayload> CreateProjectAccessToken(CreateProjectAccessTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ResourceAccessTokens tokens, CancellationToken ct) =>
        CreateResourceTokenAsync(input, tokens, ctx.Actor, input.ProjectPath, null, ct);

    [AccessCheckedBy(typeof(ResourceAccessTokens), nameof(ResourceAccessTokens.CanManageAsync))]
    [System.ComponentModel.Description("Creates a group access token: a bot user with that role in the group. Owners only.")]
    public static Task<CreateTokenPayload> CreateGroupAccessToken(CreateGroupAccessTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ResourceAccessTokens tokens, CancellationToken ct) =>
        CreateResourceTokenAsync(input, tokens, ctx.Actor, null, input.GroupPath, ct);

    private static Task<CreateTokenPayload> CreateResourceTokenAsync(CreateAccessTokenInput input, ResourceAccessTokens tokens, Actor actor,
        string? projectPath, string? groupPath, CancellationToken ct) =>
        Run<CreateTokenPayload>(input, async p =>
        {
            var resource = await tokens.FindResourceAsync(actor, projectPath, groupPath, ct);
            var (token, secret) = await tokens.CreateAsync(actor, resource, input.Name, Scopes(input.Scopes),
                input.AccessLevel ?? AccessLevel.Maintainer, input.ExpiresAt, ct);
            Fill(p, GlobalId.PersonalAccessToken, new IssuedToken(token.Token.Id, secret, token.Bot.Username, token.Token.ExpiresAt));
        });

    [AccessCheckedBy(typeof(ResourceAccessTokens), nameof(ResourceAccessTokens.CanManageAsync))]
    public static Task<RevokeTokenPayload> RevokeProjectAccessToken(RevokeTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ResourceAccessTokens tokens, CancellationToken ct) =>
        Run<RevokeTokenPayload>(input, p => RevokeResourceTokenAsync(tokens, ctx.Actor, input.Id, project: true, ct));

    [AccessCheckedBy(typeof(ResourceAccessTokens), nameof(ResourceAccessTokens.CanManageAsync))]
    public static Task<RevokeTokenPayload> RevokeGroupAccessToken(RevokeTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] ResourceAccessTokens tokens, CancellationToken ct) =>
        Run<RevokeTokenPayload>(input, p => RevokeResourceTokenAsync(tokens, ctx.Actor, input.Id, project: false, ct));

    private static async Task RevokeResourceTokenAsync(ResourceAccessTokens tokens, Actor actor, string gid, bool project, CancellationToken ct)
    {
        var id = ParseId(gid, GlobalId.PersonalAccessToken);
        // A token of a project or group the caller cannot see is as missing as one that does not exist.
        var resource = await tokens.ResourceOfTokenAsync(id, project, ct);
        if (resource is null || !await tokens.CanManageAsync(actor, resource, ct)) throw RegistryError.NotFound("Token", "Token not found");
        await tokens.RevokeAsync(actor, resource, id, ct);
    }

    [RequiresApiWriter]
    public static Task<RevokeTokenPayload> RevokePersonalAccessToken(RevokeTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<RevokeTokenPayload>(input, p => admin.RevokePersonalAccessTokenAsync(ctx.Actor, ParseId(input.Id, GlobalId.PersonalAccessToken), ct));

    [RequiresApiWriter]
    public static Task<RevokeTokenPayload> RevokeDeployToken(RevokeTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<RevokeTokenPayload>(input, p => admin.RevokeDeployTokenAsync(ctx.Actor, ParseId(input.Id, GlobalId.DeployToken), ct));

    [RequiresApiWriter]
    public static Task<RevokeTokenPayload> RevokeCiJobToken(RevokeTokenInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] IdentityAdmin admin, CancellationToken ct) =>
        Run<RevokeTokenPayload>(input, p => admin.RevokeCiJobTokenAsync(ctx.Actor, ParseId(input.Id, GlobalId.CiJobToken), ct));

    [RequiresApiWriter]
    public static Task<UpdateNamespacePackageSettingsPayload> UpdateNamespacePackageSettings(UpdateNamespacePackageSettingsInput input,
        [FromUserContext] RegistryUserContext ctx, [FromServices] PackageSettingsService settings, CancellationToken ct) =>
        Run<UpdateNamespacePackageSettingsPayload>(input, async p =>
            p.PackageSettings = new PackageSettingsNode(await settings.UpdateAsync(ctx.Actor, input.NamespacePath, input.ToChange(), ct)));

    [AccessCheckedBy(typeof(PackageDestroyer), nameof(PackageDestroyer.RequireDeleteAsync))]
    public static Task<DestroyPayload> DestroyPackage(DestroyPackageInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageDestroyer destroyer, CancellationToken ct) =>
        Run<DestroyPayload>(input, p => destroyer.DestroyPackagesAsync(ctx.Actor, [ParseId(input.Id, GlobalId.Package)], ct));

    [AccessCheckedBy(typeof(PackageDestroyer), nameof(PackageDestroyer.RequireDeleteAsync))]
    public static Task<DestroyPayload> DestroyPackages(DestroyPackagesInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageDestroyer destroyer, CancellationToken ct) =>
        Run<DestroyPayload>(input, async p =>
            // As GitLab: protected packages are left alone and named in errors; the others are destroyed.
            p.Errors = await destroyer.DestroyPackagesAsync(ctx.Actor, input.Ids.Select(id => ParseId(id, GlobalId.Package)).ToList(), ct, skipProtected: true));

    [AccessCheckedBy(typeof(PackageDestroyer), nameof(PackageDestroyer.RequireDeleteAsync))]
    public static Task<DestroyPayload> DestroyPackageFile(DestroyPackageFileInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageDestroyer destroyer, CancellationToken ct) =>
        Run<DestroyPayload>(input, p => destroyer.DestroyFilesAsync(ctx.Actor, [ParseId(input.Id, GlobalId.PackageFile)], null, ct));

    [RequiresProject(ProjectAction.View)]
    public static Task<DestroyPayload> DestroyPackageFiles(DestroyPackageFilesInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] PackageDestroyer destroyer, [FromCheckedProject] Project project, CancellationToken ct) =>
        Run<DestroyPayload>(input, async p =>
        {
            // The files' delete permission is checked per file by the destroyer; the project only scopes them.
            p.Errors = await destroyer.DestroyFilesAsync(ctx.Actor, input.Ids.Select(id => ParseId(id, GlobalId.PackageFile)).ToList(), project.Id, ct,
                skipProtected: true);
        });

    private static Task<TPayload> Run<TPayload>(MutationInput input, Func<TPayload, Task> action)
        where TPayload : MutationPayload, new() => GraphQLErrors.RunMutationAsync(input, action);

    private static void Fill(CreateTokenPayload p, string model, IssuedToken issued)
    {
        p.Id = GlobalId.For(model, issued.Id);
        p.Token = issued.Token;
        p.Username = issued.Username;
        p.ExpiresAt = issued.ExpiresAt;
    }

    internal static long ParseId(string gid, string model) =>
        GlobalId.TryParse(gid, model, out var id) ? id : throw RegistryError.BadRequest($"{gid} is not a valid {model} id");

    private static TokenScopes Scopes(IEnumerable<AccessTokenScope> scopes) =>
        scopes.Aggregate(TokenScopes.None, (acc, s) => acc | s switch
        {
            AccessTokenScope.Api => TokenScopes.Api,
            AccessTokenScope.ReadApi => TokenScopes.ReadApi,
            AccessTokenScope.ReadRegistry => TokenScopes.ReadRegistry,
            _ => TokenScopes.WriteRegistry,
        });

    private static TokenScopes Scopes(IEnumerable<DeployTokenScope> scopes) =>
        scopes.Aggregate(TokenScopes.None, (acc, s) => acc | (s == DeployTokenScope.WritePackageRegistry
            ? TokenScopes.WritePackageRegistry : TokenScopes.ReadPackageRegistry));
}
