using LiveMux.Media.Formats;
using LiveMux.Media.Sdp;

namespace LiveMux.Hub.Sources;

/// <summary>
/// Which of an upstream's announced tracks the hub carries: the first supported video and the first supported
/// audio track (MSE plays one of each). Which codecs are supported is the format factory's business, so a new
/// depacketizer needs no change here. One instance per upstream session: it remembers what it chose.
/// </summary>
internal sealed class TrackChoice
{
    private bool _videoChosen;
    private bool _audioChosen;

    /// <summary>Why the first video track that was refused for its codec was refused; null when none was.</summary>
    public string? UnsupportedVideo { get; private set; }

    public bool IsSupported(MediaTrack track)
    {
        var video = track.MediaType == "video";
        if ((!video && track.MediaType != "audio") || (video ? _videoChosen : _audioChosen))
        {
            return false;
        }

        if (MediaFormat.UnsupportedReason(track) is { } why)
        {
            if (video)
            {
                UnsupportedVideo ??= why;
            }

            return false;
        }

        if (video)
        {
            _videoChosen = true;
        }
        else
        {
            _audioChosen = true;
        }

        return true;
    }
}
