namespace Registry.Schema.Storage;

/// <summary>
/// The blob store cannot be reached or refuses to work (a bucket that does not answer or answers 5xx, a data folder
/// mounted read-only). Stores throw it for their own failures; <see cref="StorageUnavailable.Is"/> also knows the
/// file system's own errors.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Tells a storage outage from other failures: answered 503 with <c>Retry-After</c> and logged as one warning a minute
/// (not an error per request), since it is the operator's to fix and the registry recovers by itself.
/// </summary>
public static class StorageUnavailable
{
    private const int Eacces = 13, Erofs = 30; // Linux and macOS: permission denied, read-only file system

    public static bool Is(Exception? e)
    {
        if (InsufficientStorage.Is(e)) return false;
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageUnavailableException:
                case UnauthorizedAccessException:
                case IOException io when !OperatingSystem.IsWindows() && io.HResult is Eacces or Erofs:
                    return true;
            }
        }
        return false;
    }
}
