namespace Registry.Schema.GraphQL.Mutations;

/// <summary>
/// An input whose optional fields may be left out: it remembers which ones the request named (GraphQL.NET sets only
/// those), so an explicit null (clear the value) differs from an absent field (leave it). Its properties read and
/// write through <see cref="Get{T}"/> and <see cref="Set{T}"/>; <see cref="ChangeOf{T}"/> hands a service the
/// <see cref="Change{T}"/>.
/// </summary>
public abstract class PartialInput : MutationInput
{
    private readonly Dictionary<string, object?> _given = [];

    protected T Get<T>([System.Runtime.CompilerServices.CallerMemberName] string field = "") =>
        _given.TryGetValue(field, out var value) && value is T t ? t : default!;

    protected void Set<T>(T value, [System.Runtime.CompilerServices.CallerMemberName] string field = "") => _given[field] = value;

    public bool Given(string field) => _given.ContainsKey(field);

    /// <summary>The field as a change: absent unless the request named it.</summary>
    public Change<T> ChangeOf<T>(string field) => _given.TryGetValue(field, out var value) ? Change<T>.To((T)value!) : Change<T>.Absent;
}
