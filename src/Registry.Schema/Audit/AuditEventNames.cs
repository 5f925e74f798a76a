namespace Registry.Schema.Audit;

/// <summary>The events the registry records. GitLab's own names where GitLab audits the same action.</summary>
public static class AuditEventNames
{
    public const string PackagePublished = "package_file_published";
    public const string PackageHidden = "package_hidden";
    public const string PackageDestroyed = "package_destroyed";
    public const string PackageFileDestroyed = "package_file_destroyed";
    public const string PackageDestroyedByRetention = "package_destroyed_by_retention_rule";
    public const string PackageFilesDestroyedByCleanupPolicy = "package_files_destroyed_by_cleanup_policy";
    public const string PackageSettingsUpdated = "namespace_package_settings_updated";
    public const string CleanupPolicyUpdated = "packages_cleanup_policy_updated";
    public const string ProtectionRuleCreated = "package_protection_rule_created";
    public const string ProtectionRuleUpdated = "package_protection_rule_updated";
    public const string ProtectionRuleDeleted = "package_protection_rule_deleted";
    public const string RetentionRuleCreated = "package_retention_rule_created";
    public const string RetentionRuleUpdated = "package_retention_rule_updated";
    public const string RetentionRuleDeleted = "package_retention_rule_deleted";
    public const string PersonalAccessTokenCreated = "personal_access_token_created";
    public const string PersonalAccessTokenRevoked = "personal_access_token_revoked";
    public const string DeployTokenCreated = "deploy_token_created";
    public const string DeployTokenRevoked = "deploy_token_revoked";
    public const string CiJobTokenCreated = "ci_job_token_created";
    public const string CiJobTokenRevoked = "ci_job_token_revoked";
    public const string UserBlocked = "user_blocked";
    public const string UserUnblocked = "user_unblocked";
    public const string UserDestroyed = "user_destroyed";
    public const string GroupDestroyed = "group_destroyed";
    public const string ProjectDestroyed = "project_destroyed";
}
