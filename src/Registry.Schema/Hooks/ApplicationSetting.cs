namespace Registry.Schema.Hooks;

/// <summary>GitLab's application settings that the registry keeps: one row (id 1), written by administrators.</summary>
public sealed class ApplicationSetting
{
    public int Id { get; set; } = 1;
    /// <summary>GitLab's "Allow requests to the local network from webhooks and integrations"; off by default.</summary>
    public bool AllowLocalRequestsFromWebHooksAndServices { get; set; }
    public DateTime UpdatedAt { get; set; }
}
