using LiveMux.Media.Mp4;

namespace LiveMux.Hub;

/// <summary>
/// The tracks of a stream, video first: the camera's own (G.711 as G.711) on the hub, or the ones an egress
/// serves (the MSE egress's, with FLAC for G.711 and without a silent audio track).
/// </summary>
public sealed record StreamFormat(IReadOnlyList<TrackConfig> Tracks)
{
    public string Codecs => string.Join(",", Tracks.Select(t => t.Codec));

    public string MimeType => $"video/mp4; codecs=\"{Codecs}\"";

    public TrackConfig? Video => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Video);

    public TrackConfig? Audio => Tracks.FirstOrDefault(t => t.Kind == TrackKind.Audio);
}
