using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;
using LiveMux.Media.Sdp;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Formats;

/// <summary>The depacketizer of a track with what the MSE egress does to its units: G.711 comes out as FLAC.</summary>
internal static class MseDepacketizer
{
    public static IDepacketizer? TryCreate(MediaTrack track) => MediaFormat.FromTrack(track, out _) switch
    {
        G711Format g711 => new G711FlacDepacketizer((G711Depacketizer)g711.CreateDepacketizer()),
        { } format => format.CreateDepacketizer(),
        null => null,
    };
}
