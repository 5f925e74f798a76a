namespace Registry.Schema.Storage;

/// <summary>
/// An upload that stored no bytes of its own, because the same content was stored, found that content removed before
/// its claim: it must store its bytes after all (<see cref="ContentStore.ClaimAsync"/>).
/// </summary>
public sealed class ContentNotStoredException(string sha256) : Exception($"The content {sha256} was removed before it was claimed");
