using Microsoft.Data.Sqlite;
using Npgsql;

namespace Registry.Schema.Storage;

/// <summary>A blob store ran out of room (a full disk, a bucket over quota). Stores throw it for their own failures.</summary>
public sealed class InsufficientStorageException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Tells a full disk or database from other failures, whichever layer raised it: it is answered with 507, logged once as
/// a warning, and never retried as a race.
/// </summary>
public static class InsufficientStorage
{
    private const int Enospc = 28;           // Linux and macOS: No space left on device
    private const int Edquot = 122;          // Linux: Disk quota exceeded
    private const int ErrorHandleDiskFull = 0x27, ErrorDiskFull = 0x70; // Windows
    private const int SqliteFull = 13;       // SQLITE_FULL
    private const string PostgresDiskFull = "53100";

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case InsufficientStorageException:
                case IOException io when IsFullDiskCode(io.HResult):
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case PostgresException { SqlState: PostgresDiskFull }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>On Unix .NET puts errno in the HResult; on Windows the Win32 error is its low bits.</summary>
    private static bool IsFullDiskCode(int hresult) => OperatingSystem.IsWindows()
        ? (hresult & 0xFFFF) is ErrorHandleDiskFull or ErrorDiskFull
        : hresult is Enospc or Edquot;
}
