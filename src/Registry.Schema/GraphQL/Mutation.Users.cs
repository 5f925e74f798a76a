using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

public sealed partial class Mutation
{
    [RequiresApiWriter]
    [System.ComponentModel.Description("Sets a password for the web UI: your own (with your current one, if you have one), or, as an administrator, anyone's. The user's other browser sessions end.")]
    public static Task<UserPayload> SetPassword(SetPasswordInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] Passwords passwords, CancellationToken ct) =>
        Run<UserPayload>(input, async p => p.User = new UserNode(await passwords.SetPasswordAsync(ctx.Actor, input.Username,
            input.CurrentPassword, input.Password, ctx.Actor.SessionId, ct)));

    [RequiresAdmin(UserDirectory.OnlyAdministratorsChangeUsers)]
    [System.ComponentModel.Description("Administrators change a user's name or administrator flag.")]
    public static Task<UserPayload> UpdateUser(UpdateUserInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] UserDirectory directory, CancellationToken ct) =>
        Run<UserPayload>(input, async p => p.User = new UserNode(await directory.UpdateUserAsync(ctx.Actor, input.Username, input.Name, input.Admin, ct)));
}
