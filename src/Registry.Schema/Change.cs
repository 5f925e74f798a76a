namespace Registry.Schema;

/// <summary>
/// One field of a partial update: absent (leave it), or set to a value that may be null (clear it). The one "not
/// given" type of the code: GraphQL inputs (<c>PartialInput.ChangeOf</c>) and REST bodies (<c>RequestParameters.ChangeOf</c>)
/// make them, services apply them.
/// </summary>
public readonly record struct Change<T>(bool IsSet, T Value)
{
    public static readonly Change<T> Absent = default;
    public static Change<T> To(T value) => new(true, value);
    public T Or(T current) => IsSet ? Value : current;

    /// <summary>The same change with its value converted (absent stays absent).</summary>
    public Change<TOut> Map<TOut>(Func<T, TOut> convert) => IsSet ? Change<TOut>.To(convert(Value)) : Change<TOut>.Absent;
}

/// <summary>Makers of <see cref="Change{T}"/>.</summary>
public static class Change
{
    /// <summary>A change to <paramref name="value"/>, or absent when it is null (a flag that cannot be cleared).</summary>
    public static Change<T> UnlessNull<T>(T? value) where T : struct => value is { } v ? Change<T>.To(v) : Change<T>.Absent;
}
