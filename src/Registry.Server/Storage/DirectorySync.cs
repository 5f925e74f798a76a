using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Registry.Server.Storage;

/// <summary>
/// fsync on a directory, which .NET has no API for: a file created or renamed into a directory survives a crash only
/// once the directory itself is flushed. A no-op where there is no POSIX <c>open</c> (Windows commits renames itself).
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    /// <summary>O_DIRECTORY, whose value differs between Linux's architectures: on arm and arm64 it is 0x4000, and
    /// x86-64's 0x10000 there is O_DIRECT, which a directory refuses (every flush, and so every upload, would fail).</summary>
    private static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(path, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"Could not open directory {path} to flush it", new Win32Exception(Marshal.GetLastPInvokeError()));
        try
        {
            if (FSync(fd) != 0) throw new IOException($"Could not flush directory {path}", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
        finally
        {
            Close(fd);
        }
    }

    // Plain DllImport (strings as UTF-8 on Unix): LibraryImport would need unsafe code enabled for three calls.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
