using LiveMux.Hub.Timeline;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub;

/// <summary>
/// Turns the access units of one stream into shared fragments. The <see cref="TrackSynchronizer"/> picks
/// the tracks and places every frame on the stream timeline; this adds what MSE needs on top: the format
/// viewers get (track_ID in the fMP4 = slot + 1), the silent-audio rule, and the fMP4 fragment itself.
/// Not thread-safe: one upstream session feeds it from its one loop, sessions one after another.
/// </summary>
internal sealed class StreamMuxer(string name, TimeSpan configTimeout, TimeProvider time, ILogger logger)
{
    private readonly TrackSynchronizer _sync = new(name, configTimeout, time, logger);
    private uint _sequence;
    private long _videoStartedAt;
    private bool _audioHeard;

    /// <summary>The tracks viewers get now; null until the first session's format is complete.</summary>
    public StreamFormat? Format { get; private set; }

    /// <summary>A new upstream session: its tracks and configs start from nothing (a camera may come back with others).</summary>
    public void StartSession(int trackCount)
    {
        _sync.StartSession(trackCount);
        _videoStartedAt = -1;
        _audioHeard = false;
    }

    /// <summary>A config known before any frame (audio from SDP). Returns the new format when it changed.</summary>
    public StreamFormat? OnTrackConfig(int track, TrackConfig config) =>
        _sync.OnTrackConfig(track, config) ? NewFormat() : null;

    public void OnSenderReport(int track, RtcpSenderReport report) => _sync.OnSenderReport(track, report);

    /// <summary>
    /// Muxes one access unit. <paramref name="formatChanged"/> is set when a new init segment must go out
    /// before the returned fragment. Returns null for a frame no viewer gets (format incomplete, track not
    /// selected, audio before the session's first video frame). <paramref name="receivedNtp"/> is when the
    /// unit reached the hub, for the fragment's prft.
    /// </summary>
    public Fragment? Mux(int track, TrackConfig config, in AccessUnit unit, ulong receivedNtp, out StreamFormat? formatChanged)
    {
        formatChanged = null;
        if ((uint)track >= (uint)_sync.TrackCount)
        {
            return null;
        }

        formatChanged = _sync.OnUnitConfig(track, config) ? NewFormat() : null;
        if (formatChanged is null && config.Kind == TrackKind.Video && unit.IsKeyframe)
        {
            formatChanged = LeaveOutSilentAudio();
        }

        if (_sync.Place(track, config, unit.Timestamp, unit.DecodeTimestamp, unit.Duration, out var placed) != PlaceResult.Placed)
        {
            return null;
        }

        if (config.Kind == TrackKind.Audio)
        {
            _audioHeard = true;
        }
        else if (_videoStartedAt < 0)
        {
            _videoStartedAt = time.GetTimestamp();
        }

        var hasVideo = Format!.Tracks[0].Kind == TrackKind.Video;
        var startsGop = unit.IsKeyframe && (config.Kind == TrackKind.Video || !hasVideo);
        var fragment = Fragment.Rent(MediaFragment.HeaderSize + unit.Length, startsGop, placed.Slot, placed.Dts, placed.CompositionOffset, out var buffer);
        var header = new FragmentHeader(++_sequence, (uint)placed.Slot + 1, placed.Dts, placed.Duration, unit.Length, unit.IsKeyframe, placed.CompositionOffset, receivedNtp);
        MediaFragment.Write(buffer, header, unit.Data);
        return fragment;
    }

    /// <summary>
    /// Some cameras announce an audio track and never send it (audio switched off, no microphone). A
    /// SourceBuffer with an empty audio track buffers nothing at all, so the player would wait for ever:
    /// when the video has played for the config wait without one audio frame, the audio is left out for
    /// the rest of the session. Called on video keyframes only, where viewers can switch to the new init.
    /// </summary>
    private StreamFormat? LeaveOutSilentAudio()
    {
        if (!_sync.IsReady || _audioHeard || _videoStartedAt < 0
            || Format is not { Tracks: [{ Kind: TrackKind.Video }, { Kind: TrackKind.Audio } audio] }
            || time.GetElapsedTime(_videoStartedAt) is var silent && silent < configTimeout)
        {
            return null;
        }

        var audioSource = _sync.SourceOf(1);
        var changed = _sync.LeaveOut(1);
        HubLog.AudioSilent(logger, name, audioSource, audio.Codec, silent.TotalSeconds);
        return changed ? NewFormat() : null;
    }

    private StreamFormat NewFormat() => Format = new StreamFormat(_sync.Tracks!);
}
