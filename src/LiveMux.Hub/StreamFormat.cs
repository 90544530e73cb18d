using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;

namespace LiveMux.Hub;

/// <summary>
/// The tracks of a stream, video first: the camera's own (G.711 as G.711) on the hub, or the ones an egress
/// serves (the MSE egress's, with FLAC for G.711 and without a silent audio track).
/// </summary>
/// <param name="Formats">Each track's typed format where its source knows it (RTSP cameras and publishers, ffmpeg's AAC, Opus, H.264 and H.265, the demo clip), else null.</param>
public sealed record StreamFormat(IReadOnlyList<TrackConfig> Tracks, IReadOnlyList<MediaFormat?>? Formats = null)
{
    /// <summary>The typed format of track <paramref name="slot"/>, when its source gave one.</summary>
    public MediaFormat? FormatOf(int slot) => Formats is { } f && (uint)slot < (uint)f.Count ? f[slot] : null;

    public string Codecs => string.Join(",", Tracks.Select(t => t.Codec));

    public string MimeType => $"video/mp4; codecs=\"{Codecs}\"";

    public TrackConfig? Video => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Video);

    public TrackConfig? Audio => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Audio);
}
