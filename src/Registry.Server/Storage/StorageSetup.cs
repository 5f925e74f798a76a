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
        if (provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            services.AddOptions<S3StorageOptions>().Bind(configuration.GetSection(S3StorageOptions.Section));
            services.AddSingleton<S3BlobStore>();
            services.AddSingleton<IBlobStore>(sp => new DatabaseBodyStore(sp.GetRequiredService<S3BlobStore>(), sp.GetRequiredService<IServiceScopeFactory>()));
            services.AddSingleton<IResumableBlobStore, S3ResumableStore>();
        }
        else if (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<FileSystemBlobStore>();
            services.AddSingleton<IBlobStore>(sp => new DatabaseBodyStore(sp.GetRequiredService<FileSystemBlobStore>(), sp.GetRequiredService<IServiceScopeFactory>()));
            services.AddSingleton<IResumableBlobStore, FileSystemResumableStore>();
        }
        else
        {
            throw new InvalidOperationException($"Unknown Registry:Storage:Provider '{provider}' (FileSystem or S3)");
        }
        return services;
    }
}
