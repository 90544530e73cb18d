using Microsoft.Extensions.Options;

namespace LiveMux.Server.Limits;

/// <summary>Viewers per stream (<c>LiveMux:Limits:MaxViewers</c>), WebSocket and <c>stream.mp4</c> alike.</summary>
internal sealed class ViewerSlots(IOptions<LiveMuxOptions> options)
{
    private readonly CountedSlots<string> _slots = new(options.Value.Limits.MaxViewers, StringComparer.Ordinal);

    public int Max => _slots.Max;

    public Lease? TryTake(string stream) => _slots.TryTake(stream);

    public int Held(string stream) => _slots.Held(stream);

    /// <summary>What a refused viewer is told.</summary>
    public string Refusal(string stream) =>
        $"stream '{stream}' has its maximum of {Max} viewers (LiveMux:Limits:MaxViewers); try again later";
}
