using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Types;

namespace Registry.Schema.GraphQL.Mutations;

public sealed class WebhookHeaderInput
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}

public sealed class CreateWebhookInput : MutationInput, Access.IProjectOrGroupPathInput
{
    [System.ComponentModel.Description("The project the hook belongs to; or give groupPath.")]
    [Id] public string? ProjectPath { get; set; }
    [System.ComponentModel.Description("The group the hook belongs to (it fires for every project below); or give projectPath.")]
    [Id] public string? GroupPath { get; set; }
    public required string Url { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    [System.ComponentModel.Description("Sent back in `X-Gitlab-Token`; write-only.")]
    public string? Token { get; set; }
    public bool? PackageEvents { get; set; }
    public bool? EnableSslVerification { get; set; }
    public List<WebhookHeaderInput>? CustomHeaders { get; set; }
}

public sealed class UpdateWebhookInput : PartialInput
{
    [InputType(typeof(NonNullGraphType<WebhookIdGraphType>))]
    public required string Id { get; set; }
    public string? Url { get => Get<string?>(); set => Set(value); }
    public string? Name { get => Get<string?>(); set => Set(value); }
    public string? Description { get => Get<string?>(); set => Set(value); }
    public string? Token { get => Get<string?>(); set => Set(value); }
    public bool? PackageEvents { get => Get<bool?>(); set => Set(value); }
    public bool? EnableSslVerification { get => Get<bool?>(); set => Set(value); }
    public List<WebhookHeaderInput>? CustomHeaders { get => Get<List<WebhookHeaderInput>?>(); set => Set(value); }
}

public abstract class WebhookIdInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<WebhookIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class DeleteWebhookInput : WebhookIdInput;

public sealed class TestWebhookInput : WebhookIdInput;

public sealed class ResendWebhookDeliveryInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<WebhookDeliveryIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class WebhookPayload : MutationPayload
{
    public WebhookNode? Webhook { get; set; }
    [System.ComponentModel.Description("The Standard Webhooks signing secret (`whsec_...`): returned once, when the hook is created.")]
    public string? SigningSecret { get; set; }
}

public sealed class WebhookDeliveryPayload : MutationPayload
{
    public WebhookDeliveryNode? Delivery { get; set; }
}
