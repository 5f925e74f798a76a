using Registry.Schema.GraphQL.Types;

namespace Registry.Schema.GraphQL.Mutations;

public sealed class SetPasswordInput : MutationInput
{
    [System.ComponentModel.Description("Whose password; yours when left out.")]
    public string? Username { get; set; }
    public string? CurrentPassword { get; set; }
    public required string Password { get; set; }
}

public sealed class UpdateUserInput : MutationInput
{
    public required string Username { get; set; }
    public string? Name { get; set; }
    public bool? Admin { get; set; }
}

public sealed class UserPayload : MutationPayload { public UserNode? User { get; set; } }
