using Registry.Schema.Access;
using Registry.Schema.Identity;

namespace Registry.UnitTests;

/// <summary>Permissions by role, visibility and token kind and scope (docs/api-contract.md, Access), decided without a database.</summary>
public sealed class AccessRulesTests
{
    private static readonly User Member = new() { Id = 7, Username = "member", NamespaceId = 70 };
    private static readonly User Admin = new() { Id = 8, Username = "admin", NamespaceId = 80, IsAdmin = true };

    private static Project ProjectOf(Visibility visibility, long id = 1, long namespaceId = 10) =>
        new() { Id = id, NamespaceId = namespaceId, Path = "app", FullPath = "g/app", FullPathKey = "g/app", Visibility = visibility };

    private static Actor UserActor(User user, TokenScopes scopes = TokenScopes.Api) => new(ActorKind.User, user, scopes);

    private static Actor JobActor(long projectId) =>
        new(ActorKind.JobToken, Member, TokenScopes.Api, JobToken: new CiJobToken { ProjectId = projectId, UserId = Member.Id, Digest = [1] });

    private static Actor DeployActor(TokenScopes scopes, long? projectId = 1, long? namespaceId = null) =>
        new(ActorKind.DeployToken, null, scopes, DeployToken: new DeployToken { Username = "d", Scopes = scopes, ProjectId = projectId, NamespaceId = namespaceId, Digest = [1] });

    private static string Describe(ProjectAccess a) =>
        $"see={a.CanSee} read={a.CanRead} publish={a.CanPublish} delete={a.CanDelete} maintain={a.CanMaintain} role={a.Role?.ToString() ?? "-"}";

    // The roles of GitLab's table: who reads, publishes, deletes and maintains, with a token of the api scope.
    [Theory]
    [InlineData(AccessLevel.Guest, false, false, false)]
    [InlineData(AccessLevel.Reporter, false, false, false)]
    [InlineData(AccessLevel.Developer, true, false, false)]
    [InlineData(AccessLevel.Maintainer, true, true, true)]
    [InlineData(AccessLevel.Owner, true, true, true)]
    public void Members_may_what_their_role_allows(AccessLevel role, bool publish, bool delete, bool maintain)
    {
        foreach (var visibility in Enum.GetValues<Visibility>())
        {
            var access = AccessRules.ForProject(UserActor(Member), ProjectOf(visibility), role, false);
            Assert.Equal($"see=True read=True publish={publish} delete={delete} maintain={maintain} role={role}", Describe(access));
        }
    }

    [Theory]
    [InlineData(AccessLevel.Developer)]
    [InlineData(AccessLevel.Owner)]
    public void A_read_api_token_only_reads_whatever_the_role(AccessLevel role)
    {
        var access = AccessRules.ForProject(UserActor(Member, TokenScopes.ReadApi), ProjectOf(Visibility.Private), role, false);
        Assert.Equal($"see=True read=True publish=False delete=False maintain=False role={role}", Describe(access));
    }

    [Theory]
    [InlineData(Visibility.Private, false)]
    [InlineData(Visibility.Internal, true)]
    [InlineData(Visibility.Public, true)]
    public void A_signed_in_non_member_sees_internal_and_public_projects_read_only(Visibility visibility, bool sees)
    {
        var access = AccessRules.ForProject(UserActor(Member), ProjectOf(visibility), null, false);
        Assert.Equal($"see={sees} read={sees} publish=False delete=False maintain=False role=-", Describe(access));
    }

    [Theory]
    [InlineData(Visibility.Private, false)]
    [InlineData(Visibility.Internal, false)]
    [InlineData(Visibility.Public, true)]
    public void Anonymous_callers_see_public_projects_only(Visibility visibility, bool sees)
    {
        var access = AccessRules.ForProject(Actor.Anonymous, ProjectOf(visibility), AccessLevel.Owner, true);
        Assert.Equal($"see={sees} read={sees} publish=False delete=False maintain=False role=-", Describe(access));
    }

    [Fact]
    public void A_job_token_acts_with_its_users_role_in_its_project_only()
    {
        var own = AccessRules.ForProject(JobActor(projectId: 1), ProjectOf(Visibility.Private), AccessLevel.Developer, false);
        Assert.Equal("see=True read=True publish=True delete=False maintain=False role=Developer", Describe(own));
        var maintainer = AccessRules.ForProject(JobActor(projectId: 1), ProjectOf(Visibility.Private), AccessLevel.Maintainer, false);
        // A job token may delete as a Maintainer, but never maintain (tokens, settings): that takes a user's api token.
        Assert.Equal("see=True read=True publish=True delete=True maintain=False role=Maintainer", Describe(maintainer));
        var guest = AccessRules.ForProject(JobActor(projectId: 1), ProjectOf(Visibility.Private), AccessLevel.Guest, false);
        Assert.Equal("see=True read=True publish=False delete=False maintain=False role=Guest", Describe(guest));

        foreach (var visibility in Enum.GetValues<Visibility>())
        {
            // In another project it is anonymous, whatever its user could do there: internal projects stay hidden.
            var other = AccessRules.ForProject(JobActor(projectId: 2), ProjectOf(visibility), AccessLevel.Owner, false);
            var sees = visibility == Visibility.Public;
            Assert.Equal($"see={sees} read={sees} publish=False delete=False maintain=False role=-", Describe(other));
        }
        Assert.True(AccessRules.NeedsRole(JobActor(projectId: 1), ProjectOf(Visibility.Private)));
        Assert.False(AccessRules.NeedsRole(JobActor(projectId: 2), ProjectOf(Visibility.Private)));
        Assert.True(AccessRules.NeedsRole(UserActor(Member), ProjectOf(Visibility.Private)));
        Assert.False(AccessRules.NeedsRole(Actor.Anonymous, ProjectOf(Visibility.Public)));
        Assert.False(AccessRules.NeedsRole(DeployActor(TokenScopes.ReadPackageRegistry), ProjectOf(Visibility.Private)));
    }

    [Theory]
    [InlineData(TokenScopes.ReadPackageRegistry, false)]
    [InlineData(TokenScopes.WritePackageRegistry, true)]
    [InlineData(TokenScopes.ReadPackageRegistry | TokenScopes.WritePackageRegistry, true)]
    public void A_deploy_token_reads_where_it_applies_and_writes_with_the_write_scope(TokenScopes scopes, bool write)
    {
        foreach (var visibility in Enum.GetValues<Visibility>())
        {
            var applies = AccessRules.ForProject(DeployActor(scopes), ProjectOf(visibility), null, deployTokenApplies: true);
            Assert.Equal($"see=True read=True publish={write} delete={write} maintain=False role=-", Describe(applies));
            var elsewhere = AccessRules.ForProject(DeployActor(scopes), ProjectOf(visibility), AccessLevel.Owner, deployTokenApplies: false);
            var sees = visibility == Visibility.Public;
            Assert.Equal($"see={sees} read={sees} publish=False delete=False maintain=False role=-", Describe(elsewhere));
        }
    }

    [Fact]
    public void A_deploy_token_applies_to_its_project_and_below_its_group()
    {
        var project = ProjectOf(Visibility.Private, id: 1, namespaceId: 12);
        Assert.True(AccessRules.DeployTokenApplies(DeployActor(TokenScopes.ReadPackageRegistry, projectId: 1).DeployToken!, project, []));
        Assert.False(AccessRules.DeployTokenApplies(DeployActor(TokenScopes.ReadPackageRegistry, projectId: 2).DeployToken!, project, [10, 12]));
        var groupToken = DeployActor(TokenScopes.ReadPackageRegistry, projectId: null, namespaceId: 10).DeployToken!;
        Assert.True(AccessRules.DeployTokenApplies(groupToken, project, [10, 12]));
        Assert.False(AccessRules.DeployTokenApplies(groupToken, project, [11, 12]));

        Assert.True(AccessRules.NeedsAncestors(groupToken, project));
        Assert.False(AccessRules.NeedsAncestors(DeployActor(TokenScopes.ReadPackageRegistry, projectId: 1).DeployToken!, project));
        Assert.False(AccessRules.NeedsAncestors(DeployActor(TokenScopes.ReadPackageRegistry, projectId: 2).DeployToken!, project));
        // A group token never names a project, but if one did, being its project is enough.
        Assert.False(AccessRules.NeedsAncestors(DeployActor(TokenScopes.ReadPackageRegistry, projectId: 1, namespaceId: 10).DeployToken!, project));
    }

    [Fact]
    public void Administrators_and_personal_namespace_owners_are_owners_without_a_membership()
    {
        var inOwnNamespace = ProjectOf(Visibility.Private, namespaceId: Member.NamespaceId);
        Assert.Equal(AccessLevel.Owner, AccessRules.ImpliedProjectRole(Member, inOwnNamespace));
        Assert.Equal(AccessLevel.Owner, AccessRules.ImpliedProjectRole(Admin, ProjectOf(Visibility.Private)));
        Assert.Null(AccessRules.ImpliedProjectRole(Member, ProjectOf(Visibility.Private)));

        Namespace Ns(long id) => new() { Id = id, Path = "n", FullPath = "n", FullPathKey = "n" };
        Assert.Equal(AccessLevel.Owner, AccessRules.ImpliedNamespaceRole(Member, Ns(Member.NamespaceId)));
        Assert.Equal(AccessLevel.Owner, AccessRules.ImpliedNamespaceRole(Admin, Ns(99)));
        Assert.Null(AccessRules.ImpliedNamespaceRole(Member, Ns(99)));
    }

    [Fact]
    public void The_highest_role_wins_and_no_membership_is_no_role()
    {
        Assert.Null(AccessRules.HighestRole([]));
        Assert.Equal(AccessLevel.Guest, AccessRules.HighestRole([AccessLevel.Guest]));
        Assert.Equal(AccessLevel.Maintainer, AccessRules.HighestRole([AccessLevel.Reporter, AccessLevel.Maintainer, AccessLevel.Developer]));
    }

    [Theory]
    [InlineData(Visibility.Public, "anonymous", true)]
    [InlineData(Visibility.Internal, "anonymous", false)]
    [InlineData(Visibility.Private, "anonymous", false)]
    [InlineData(Visibility.Public, "user", true)]
    [InlineData(Visibility.Internal, "user", true)]
    [InlineData(Visibility.Private, "user", null)]
    [InlineData(Visibility.Internal, "deploy", false)]
    public void Namespaces_are_visible_by_visibility_unless_memberships_decide(Visibility visibility, string who, bool? visible)
    {
        var ns = new Namespace { Id = 1, Path = "g", FullPath = "g", FullPathKey = "g", Visibility = visibility };
        var actor = who switch { "user" => UserActor(Member), "deploy" => DeployActor(TokenScopes.ReadPackageRegistry), _ => Actor.Anonymous };
        Assert.Equal(visible, AccessRules.NamespaceVisibleWithoutMembership(actor, ns));
    }

    [Theory]
    [InlineData("a", new[] { "a" })]
    [InlineData("a/b", new[] { "a", "a/b" })]
    [InlineData("top/mid/leaf", new[] { "top", "top/mid", "top/mid/leaf" })]
    public void Path_prefixes_name_the_namespace_and_each_group_above_it(string path, string[] prefixes)
    {
        Assert.Equal(prefixes, AccessRules.PathPrefixes(path));
    }

    // The seed: a project (or group) access token's bot reads packages with read_api (or api) and at least Reporter.
    [Theory]
    [InlineData(AccessLevel.Guest, TokenScopes.ReadApi, false)]
    [InlineData(AccessLevel.Reporter, TokenScopes.ReadApi, true)]
    [InlineData(AccessLevel.Reporter, TokenScopes.Api, true)]
    [InlineData(AccessLevel.Maintainer, TokenScopes.ReadRegistry | TokenScopes.WriteRegistry, false)]
    public void An_access_tokens_bot_reads_a_private_projects_packages_from_reporter_with_an_api_scope(AccessLevel role, TokenScopes scopes, bool reads)
    {
        var bot = new User { Id = 9, Username = "project_1_bot_x", NamespaceId = 90, Type = UserType.ProjectBot, BotProjectId = 1 };
        var access = AccessRules.ForProject(UserActor(bot, scopes), ProjectOf(Visibility.Private), role, false);
        Assert.True(access.CanSee);
        Assert.Equal(reads, access.CanRead);
        // A public project's packages are anyone's, the bot's too.
        Assert.True(AccessRules.ForProject(UserActor(bot, scopes), ProjectOf(Visibility.Public), role, false).CanRead);
    }

    [Fact]
    public void A_person_reads_as_guest_as_the_contract_says_and_a_registry_only_token_does_not()
    {
        Assert.True(AccessRules.ForProject(UserActor(Member, TokenScopes.ReadApi), ProjectOf(Visibility.Private), AccessLevel.Guest, false).CanRead);
        Assert.False(AccessRules.ForProject(UserActor(Member, TokenScopes.ReadRegistry), ProjectOf(Visibility.Private), AccessLevel.Owner, false).CanRead);
    }
}
