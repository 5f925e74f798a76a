namespace Registry.Schema.Lifecycle;

/// <summary>One field of a partial update: absent (leave it), or set to a value that may be null (clear it).</summary>
public readonly record struct Change<T>(bool IsSet, T Value)
{
    public static readonly Change<T> Absent = default;
    public static Change<T> To(T value) => new(true, value);
    public T Or(T current) => IsSet ? Value : current;
}
