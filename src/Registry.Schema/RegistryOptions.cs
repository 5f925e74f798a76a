namespace Registry.Schema;

/// <summary>The <c>Registry</c> configuration section.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Folder of the SQLite database and the file-system blobs.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>Largest accepted file size in bytes is one less than this; 0 means unlimited.</summary>
    public long MaxFileSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>The root user's first token on an empty database; generated and logged once when unset.</summary>
    public string? RootToken { get; set; }

    /// <summary>The root user's first password (8 characters or more), set when root has none; generated and logged once when unset.</summary>
    public string? RootPassword { get; set; }

    /// <summary>How long a browser stays signed in (GitLab's default session expiry is a week).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Failed sign-ins in a row that lock an account (GitLab: 10), and for how long (GitLab: 10 minutes).</summary>
    public int MaxFailedSignIns { get; set; } = 10;
    public TimeSpan SignInLockout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An upload that sends nothing for this long is abandoned (Kestrel's minimum data rate averages over
    /// the whole body, so on its own it would let a stalled upload hold its connection for a long time).</summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Blobs no database row refers to (a crash between storing a blob and recording it) are removed once they are
    /// this old; the margin keeps an upload that is being recorded right now, on any instance, safe.
    /// </summary>
    public TimeSpan OrphanBlobMinAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The address clients reach the registry at, like GitLab's <c>external_url</c>: behind a proxy or load balancer,
    /// absolute URLs in responses (pagination links, <c>delete_api_path</c>, <c>download_url</c>) start with it.
    /// Unset, they follow the request's scheme and Host.
    /// </summary>
    public Uri? ExternalUrl { get; set; }

    /// <summary>
    /// How often background sweeps run in each instance: files destroyed through the API, partial uploads of crashed
    /// processes (those nothing was written to for twice <see cref="UploadIdleTimeout"/>) and the stored totals metrics;
    /// also how often each instance looks for due cleanup policies and retention rules (each runs every 12 hours).
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A partial upload nothing has been written to for this long belongs to a process that is gone.</summary>
    public TimeSpan PartialUploadMaxIdle => UploadIdleTimeout * 2;

    /// <summary>How long a client may take to send a request's headers (Kestrel's default, 30 s, lets slow clients hold connections).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, how long uploads in flight may take to finish; new uploads are refused with 503 meanwhile.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an instance keeps who a token is, what a caller may do in a project and which file a download names.
    /// Its own changes end those entries at once; a change made on another instance is seen here within this time.
    /// Zero turns the cache off.
    /// </summary>
    public TimeSpan HotCacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The digests computed for every uploaded file: <c>All</c> (GitLab's SHA-256, SHA-1 and MD5) or <c>Sha256</c> alone,
    /// which leaves <c>file_md5</c> and <c>file_sha1</c> null. Files stored before a change keep what they have.
    /// </summary>
    public Packages.PackageFileDigestSet PackageFileDigests { get; set; } = Packages.PackageFileDigestSet.All;

    /// <summary>
    /// For fault tests only: how long a committed batch of uploads waits before its clients are answered, so that a
    /// test can kill the server between the commit and the 201s. Zero (no wait) otherwise.
    /// </summary>
    public TimeSpan PublishAcknowledgementDelay { get; set; } = TimeSpan.Zero;

    /// <summary>A resumable (tus) upload nothing has written to for this long expires and its bytes are removed.</summary>
    public TimeSpan ResumableUploadExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many unfinished resumable uploads one caller (token or browser session) may have; the next creation gets 429.</summary>
    public int MaxUnfinishedUploads { get; set; } = 10;

    public bool IsTooLarge(long size) => MaxFileSize > 0 && size >= MaxFileSize;
}
