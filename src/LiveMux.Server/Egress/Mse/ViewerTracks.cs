using LiveMux.Hub;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// The tracks of a stream one viewer gets, from the codecs its browser offered:
/// <code>
///   stream [video avc1, audio opus]   offer "avc1.640029,mp4a.40.2"   -> [video]     audio left out
///   stream [video avc1, audio aac]    offer "avc1.640029,mp4a.40.2"   -> [video, audio]
///   stream [video hvc1, ...]          offer "avc1.640029"             -> refused: the picture is the point
/// </code>
/// The stream lists video first (track_ID 1), so leaving out the audio keeps the shared fragments' track
/// ids valid in this viewer's own init segment.
/// </summary>
internal sealed class ViewerTracks
{
    private readonly bool[] _included;

    private ViewerTracks(bool[] included, StreamFormat format, string? refusal, IReadOnlyList<string> leftOut)
    {
        _included = included;
        Format = format;
        Refusal = refusal;
        LeftOut = leftOut;
    }

    /// <summary>Why this viewer cannot play the stream at all, or null.</summary>
    public string? Refusal { get; }

    /// <summary>The tracks this viewer gets, as its init segment and MIME type describe them.</summary>
    public StreamFormat Format { get; }

    /// <summary>Codecs of the stream this viewer does not get (audio its browser cannot play).</summary>
    public IReadOnlyList<string> LeftOut { get; }

    /// <summary>Whether fragments of the stream's track <paramref name="trackIndex"/> go to this viewer.</summary>
    public bool Includes(int trackIndex) => (uint)trackIndex < (uint)_included.Length && _included[trackIndex];

    /// <summary>The tracks for a viewer that offered <paramref name="offer"/>; all of them for one that offered none (<c>stream.mp4</c>).</summary>
    public static ViewerTracks Choose(CodecOffer? offer, StreamFormat format)
    {
        var included = new bool[format.Tracks.Count];
        var tracks = new List<TrackConfig>();
        var leftOut = new List<string>();
        string? refusal = null;
        for (var i = 0; i < included.Length; i++)
        {
            var track = format.Tracks[i];
            if (offer is null || offer.Supports(track.Codec))
            {
                included[i] = true;
                tracks.Add(track);
            }
            else if (track.Kind == TrackKind.Video)
            {
                refusal ??= offer!.Refusal(track.Codec);
            }
            else
            {
                leftOut.Add(track.Codec);
            }
        }

        if (refusal is null && tracks.Count == 0)
        {
            refusal = offer!.Refusal(leftOut[0]);
        }
        else if (refusal is null && Array.IndexOf(included, false) is var gap and >= 0 && Array.IndexOf(included, true, gap) >= 0)
        {
            // A left-out track before a kept one would renumber the kept one's track_ID.
            refusal = offer!.Refusal(format.Tracks[gap].Codec);
        }

        return new ViewerTracks(included, new StreamFormat(tracks), refusal, leftOut);
    }
}
