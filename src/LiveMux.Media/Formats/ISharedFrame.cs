namespace LiveMux.Media.Formats;

/// <summary>
/// A frame shared read-only by several holders (a GOP cache, consumer queues), each holding one reference;
/// its pooled bytes go back when the last holder releases.
/// </summary>
public interface ISharedFrame
{
    /// <summary>Bytes held, for queue limits.</summary>
    int Length { get; }

    /// <summary>Takes one more reference for a new holder.</summary>
    void AddReference();

    /// <summary>Gives back the reference its holder took.</summary>
    void Release();
}
