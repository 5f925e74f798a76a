using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;
using Registry.Schema.Hooks;

namespace Registry.Server.Hooks;

public static class HookSetup
{
    /// <summary>
    /// Webhooks: options, Data Protection with its key ring in the database (every instance reads what another wrote;
    /// encrypted with <c>Registry:Hooks:KeyRingSecret</c> when given), the sender and the dispatcher.
    /// </summary>
    public static IServiceCollection AddRegistryHooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HookOptions>().Bind(configuration.GetSection(HookOptions.Section))
            .Validate(o => o.KeyRingSecret is null || o.KeyRingSecret.Length >= 16, $"{HookOptions.Section}:KeyRingSecret must have 16 characters or more")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.MaxResponseBytes > 0, $"{HookOptions.Section}: invalid values")
            .ValidateOnStart();
        services.AddDataProtection().SetApplicationName("generic-package-registry").PersistKeysToDbContext<RegistryDbContext>();
        if (!string.IsNullOrEmpty(configuration[$"{HookOptions.Section}:KeyRingSecret"]))
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
                new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<IOptions<HookOptions>>())));
        // Data Protection logs an error each time it loads a key it cannot decrypt (a wrong or missing KeyRingSecret), and it
        // reloads the ring on every secret it cannot read: an error per delivery attempt. The dispatcher says it once, as
        // a warning with what to fix (HookDispatcher), and the deliveries wait; Data Protection's warnings stay.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter(typeof(XmlKeyManager).FullName, level => level is >= LogLevel.Information and < LogLevel.Error));
        services.AddSingleton<RegistryEndpoints>();
        services.AddSingleton<IRegistryEndpoints>(sp => sp.GetRequiredService<RegistryEndpoints>());
        services.AddSingleton<HookSender>();
        services.AddSingleton<DeliveryPacer>();
        services.AddSingleton<IHookSamples, HookSamples>();
        services.AddHostedService<HookDispatcher>();
        return services;
    }
}
