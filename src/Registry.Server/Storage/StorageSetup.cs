using Registry.Schema.Storage;

namespace Registry.Server.Storage;

public static class StorageSetup
{
    /// <summary><c>Registry:Storage:Provider</c>: <c>FileSystem</c> (default, under DataPath) or <c>S3</c>.</summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Registry:Storage:Provider"] ?? "FileSystem";
        services.AddSingleton<StorageOutage>();
        if (provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            services.AddOptions<S3StorageOptions>().Bind(configuration.GetSection(S3StorageOptions.Section));
            services.AddSingleton<S3BlobStore>();
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
            services.AddSingleton<IResumableBlobStore, S3ResumableStore>();
        }
        else if (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<FileSystemBlobStore>();
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
            services.AddSingleton<IResumableBlobStore, FileSystemResumableStore>();
        }
        else
        {
            throw new InvalidOperationException($"Unknown Registry:Storage:Provider '{provider}' (FileSystem or S3)");
        }
        return services;
    }
}
