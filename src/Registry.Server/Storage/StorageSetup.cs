using Registry.Schema.Storage;

namespace Registry.Server.Storage;

public static class StorageSetup
{
    /// <summary><c>Registry:Storage:Provider</c>: <c>FileSystem</c> (default, under DataPath) or <c>S3</c>; small uploads'
    /// bytes are kept in the database whichever it is (<see cref="DatabaseBodyStore"/>).</summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Registry:Storage:Provider"] ?? "FileSystem";
        services.AddSingleton<StorageOutage>();
        Func<IServiceProvider, IBlobStore> store;
        if (provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            services.AddOptions<S3StorageOptions>().Bind(configuration.GetSection(S3StorageOptions.Section));
            services.AddSingleton<S3BlobStore>();
            store = sp => sp.GetRequiredService<S3BlobStore>();
            services.AddSingleton<IResumableBlobStore, S3ResumableStore>();
        }
        else if (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<FileSystemBlobStore>();
            store = sp => sp.GetRequiredService<FileSystemBlobStore>();
            services.AddSingleton<IResumableBlobStore, FileSystemResumableStore>();
        }
        else
        {
            throw new InvalidOperationException($"Unknown Registry:Storage:Provider '{provider}' (FileSystem or S3)");
        }
        services.AddSingleton<IBlobStore>(sp => new DatabaseBodyStore(store(sp), sp.GetRequiredService<IServiceScopeFactory>()));
        return services;
    }
}
