using Registry.Schema.GraphQL.Types;

namespace Registry.Schema.GraphQL.Mutations;

/// <summary>The input of a mutation on one user, named by username.</summary>
public abstract class UserTargetInput : MutationInput
{
    public required string Username { get; set; }
}

public sealed class BlockUserInput : UserTargetInput;

public sealed class UnblockUserInput : UserTargetInput;

public sealed class DeleteUserInput : UserTargetInput;

/// <summary>The input of a mutation on one group or project, named by full path.</summary>
public abstract class FullPathTargetInput : MutationInput
{
    public required string FullPath { get; set; }
}

public sealed class DeleteGroupInput : FullPathTargetInput;

public sealed class DeleteProjectInput : FullPathTargetInput;

public sealed class DeletePayload : MutationPayload
{
    [System.ComponentModel.Description("What went; null when refused.")]
    public DeletionPreviewNode? Deleted { get; set; }
}
