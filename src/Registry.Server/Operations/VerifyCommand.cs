using Registry.Schema.Packages;

namespace Registry.Server.Operations;

/// <summary><c>verify [--repair]</c>: every stored file's size and SHA-256 against its row; exit code 1 when anything is wrong.</summary>
public static class VerifyCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, bool repair, TextWriter output, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<PackageFileVerifier>();
        var report = await verifier.VerifyAsync(repair, f => output.WriteLine($"{f.Problem.ToString().ToLowerInvariant()}: {f.BlobKey}: {f.Description}"), ct);
        await output.WriteLineAsync($"Checked {report.FilesChecked} files ({report.BytesChecked} bytes): {report.Count(BlobProblem.Missing)} missing, " +
            $"{report.Count(BlobProblem.Corrupt)} corrupt, {report.Count(BlobProblem.Orphaned)} orphaned blobs.");
        if (repair) await output.WriteLineAsync($"Marked {report.Marked} files as broken (status error: no longer served; rows and blobs kept).");
        return report.Clean ? 0 : 1;
    }
}
