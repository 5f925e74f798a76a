namespace Registry.Server.Storage;

/// <summary>The <c>Registry:Storage:S3</c> section.</summary>
public sealed class S3StorageOptions
{
    public const string Section = "Registry:Storage:S3";

    /// <summary>Endpoint of an S3-compatible server (MinIO, s3rver, ...); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }
    public string Region { get; set; } = "us-east-1";
    public string Bucket { get; set; } = "registry";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>Prepended to every object key, so one bucket can hold several registries.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>Answer downloads with a 302 to a presigned URL instead of proxying the bytes.</summary>
    public bool DirectDownload { get; set; }
    public TimeSpan DirectDownloadValidity { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Multipart part size; also the largest object sent in a single PUT. At least 5 MiB.</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;
    /// <summary>Create the bucket at start when it is missing (handy for test servers).</summary>
    public bool CreateBucket { get; set; }
}
