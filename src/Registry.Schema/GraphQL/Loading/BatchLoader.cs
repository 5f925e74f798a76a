using GraphQL.DataLoader;

namespace Registry.Schema.GraphQL.Loading;

/// <summary>
/// A per-request batch loader on GraphQL.NET's <see cref="IDataLoaderResult"/>: resolvers queue keys while a level of
/// the query executes, and the first result asked for fetches every queued key in one call.
/// </summary>
/// <param name="comparer">which keys are the same (keys that carry what the fetch needs, compared by their id)</param>
public sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch,
    IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue?> _loaded = new(comparer);
    private HashSet<TKey> _queued = new(comparer);

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        if (!_loaded.ContainsKey(key)) _queued.Add(key);
        return new Pending(this, key);
    }

    private async Task<TValue?> ResolveAsync(TKey key, CancellationToken ct)
    {
        if (!_loaded.ContainsKey(key) && _queued.Count > 0)
        {
            var keys = _queued;
            _queued = new HashSet<TKey>(comparer);
            var values = await fetch(keys, ct);
            foreach (var k in keys) _loaded[k] = values.TryGetValue(k, out var v) ? v : default;
        }
        return _loaded.GetValueOrDefault(key);
    }

    private sealed class Pending(BatchLoader<TKey, TValue> loader, TKey key) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => loader.ResolveAsync(key, cancellationToken);
        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}

public static class DataLoaderResultExtensions
{
    /// <summary>Maps a pending result without resolving it early, so batching still happens.</summary>
    public static IDataLoaderResult<TResult> Select<T, TResult>(this IDataLoaderResult<T> source, Func<T, TResult> map) =>
        new Mapped<T, TResult>(source, map);

    /// <summary>A result computed when asked for (a fallback where no batch applies), in the loaders' shape.</summary>
    public static IDataLoaderResult<T> Deferred<T>(Func<CancellationToken, Task<T>> compute) => new Later<T>(compute);

    private sealed class Later<T>(Func<CancellationToken, Task<T>> compute) : IDataLoaderResult<T>
    {
        public Task<T> GetResultAsync(CancellationToken cancellationToken = default) => compute(cancellationToken);
        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    private sealed class Mapped<T, TResult>(IDataLoaderResult<T> source, Func<T, TResult> map) : IDataLoaderResult<TResult>
    {
        public async Task<TResult> GetResultAsync(CancellationToken cancellationToken = default) =>
            map(await source.GetResultAsync(cancellationToken));
        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
