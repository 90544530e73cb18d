using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// The depacketizers of today's browser path: each format's own, except G.711, which reaches the hub re-encoded
/// as FLAC (<see cref="G711FlacDepacketizer"/>). This goes when the MSE egress takes samples and re-encodes
/// G.711 itself; every other consumer wants the camera's G.711.
/// </summary>
public static class MseDepacketizer
{
    public static IDepacketizer Create(MediaFormat format, AudioDepacketizerOptions? options = null) => format switch
    {
        G711Format g711 => new G711FlacDepacketizer(g711.CreateDepacketizer(options)),
        Mpeg4AudioFormat aac => aac.CreateDepacketizer(options),
        LatmFormat latm => latm.CreateDepacketizer(options),
        OpusFormat opus => opus.CreateDepacketizer(options),
        _ => format.CreateDepacketizer(),
    };

    /// <summary>The depacketizer for an SDP track, or null when its format is not supported.</summary>
    public static IDepacketizer? TryCreate(MediaTrack track, AudioDepacketizerOptions? options = null) =>
        MediaFormat.FromTrack(track, out _) is { } format ? Create(format, options) : null;
}
