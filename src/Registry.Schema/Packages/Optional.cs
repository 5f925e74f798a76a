namespace Registry.Schema.Packages;

/// <summary>
/// A value a request may or may not name: <c>default</c> is "not given", so an explicit null (clear the setting) and
/// an absent field (leave it alone) stay apart.
/// </summary>
public readonly record struct Optional<T>
{
    public Optional(T value)
    {
        Value = value;
        Given = true;
    }

    public T Value { get; }
    public bool Given { get; }

    public static implicit operator Optional<T>(T value) => new(value);
}
