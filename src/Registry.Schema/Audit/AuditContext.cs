namespace Registry.Schema.Audit;

/// <summary>Facts about the request that only the transport knows (the client's address), set once per request by the host.</summary>
public sealed class AuditContext
{
    public string? IpAddress { get; set; }
}
