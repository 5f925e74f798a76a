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
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

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
