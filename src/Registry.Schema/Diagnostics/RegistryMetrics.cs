using System.Diagnostics.Metrics;

namespace Registry.Schema.Diagnostics;

/// <summary>Why an upload was refused, as the <c>reason</c> tag of <c>registry.uploads.refused</c>.</summary>
public enum UploadRefusal { Duplicate, Checksum, Size, DiskFull }

/// <summary>What a background sweep removes, as the <c>kind</c> tag of <c>registry.sweeps</c>.</summary>
public enum SweepKind { DestroyedFiles, OrphanBlobs, PartialUploads }

/// <summary>
/// The registry's own instruments, on the <c>Registry</c> meter (exported by the server, e.g. as Prometheus text).
/// Recording costs next to nothing while no exporter listens. Stored totals are gauges of the last count a background
/// job took, so a scrape never queries the database.
/// </summary>
public sealed class RegistryMetrics
{
    public const string MeterName = "Registry";

    private static readonly KeyValuePair<string, object?>[][] RefusalTags = Tags("reason", Enum.GetValues<UploadRefusal>());
    private static readonly KeyValuePair<string, object?>[][] SweepTags = Tags("kind", Enum.GetValues<SweepKind>());

    private readonly Counter<long> _uploaded;
    private readonly Counter<long> _downloaded;
    private readonly Counter<long> _published;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _sweeps;
    private readonly Counter<long> _swept;
    private StoredTotals? _totals;

    public RegistryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _uploaded = meter.CreateCounter<long>("registry.uploaded", "By", "Bytes of package files received, refused uploads included");
        _downloaded = meter.CreateCounter<long>("registry.downloaded", "By", "Bytes of package files served");
        _published = meter.CreateCounter<long>("registry.files.published", "{file}", "Package files stored by uploads (identical retries excluded)");
        _refused = meter.CreateCounter<long>("registry.uploads.refused", "{upload}", "Uploads refused, by reason");
        _sweeps = meter.CreateCounter<long>("registry.sweeps", "{sweep}", "Background sweeps run, by kind");
        _swept = meter.CreateCounter<long>("registry.swept", "{item}", "Files, blobs or partial uploads background sweeps removed, by kind");
        meter.CreateObservableGauge("registry.packages.stored", () => Observe(t => t.Packages), "{package}", "Packages stored (as of the last count)");
        meter.CreateObservableGauge("registry.files.stored", () => Observe(t => t.Files), "{file}", "Package files stored (as of the last count)");
        meter.CreateObservableGauge("registry.files.stored.size", () => Observe(t => t.Bytes), "By", "Bytes of package files stored (as of the last count)");
    }

    public void Uploaded(long bytes) { if (bytes > 0) _uploaded.Add(bytes); }
    public void Downloaded(long bytes) { if (bytes > 0) _downloaded.Add(bytes); }
    public void Published() => _published.Add(1);
    public void Refused(UploadRefusal reason) => _refused.Add(1, RefusalTags[(int)reason]);

    /// <summary>Counts a refusal by its reason (the error alone does not tell a duplicate from a size refusal).</summary>
    public RegistryError Refused(UploadRefusal reason, RegistryError error)
    {
        Refused(reason);
        return error;
    }

    public void Swept(SweepKind kind, int removed)
    {
        _sweeps.Add(1, SweepTags[(int)kind]);
        if (removed > 0) _swept.Add(removed, SweepTags[(int)kind]);
    }

    public void Counted(StoredTotals totals) => Volatile.Write(ref _totals, totals);

    private IEnumerable<Measurement<long>> Observe(Func<StoredTotals, long> value) =>
        Volatile.Read(ref _totals) is { } totals ? [new Measurement<long>(value(totals))] : [];

    private static KeyValuePair<string, object?>[][] Tags<T>(string name, T[] values) where T : struct, Enum =>
        values.Select(v => new[] { new KeyValuePair<string, object?>(name, SnakeCase(v.ToString())) }).ToArray();

    private static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

public sealed record StoredTotals(long Packages, long Files, long Bytes);
