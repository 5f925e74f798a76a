namespace Registry.Schema.Storage;

/// <summary>
/// The bytes of a small content blob, kept in the database instead of a blob of its own: a tiny file's create, flush,
/// rename and folder flush cost several times what recording it does, and its row is written in the same transaction
/// (the publish batch's one flush). <see cref="StorageKey"/> is the <see cref="ContentBlob.StorageKey"/>, of the form
/// <see cref="DatabaseBodyStore"/> reserves; everything reads these bytes through that store, like any blob's.
/// </summary>
public sealed class ContentBody
{
    public required string StorageKey { get; set; }
    public required byte[] Data { get; set; }
}
