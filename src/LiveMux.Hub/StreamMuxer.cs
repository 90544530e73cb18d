using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub;

/// <summary>
/// Turns the access units of one stream into shared fragments: it picks the tracks (the first video and
/// the first audio track of a session), says when their format is complete enough for an init segment,
/// and puts every frame on a decode timeline that is gap-free per track and in sync across tracks.
/// <code>
///   format slots:  0 = video (if any), then audio      track_ID in the fMP4 = slot + 1
///   session start: every track's timeline ends at End_k; the session begins at T0 = max_k(End_k)
///   first frame of track k in the session: dts_k = T0 + (sync_k(ts) - S0)   (S0: the first video frame)
///   sync = sender wall clock (RTCP SR on every track) or arrival time; later reports re-align the audio
/// </code>
/// Not thread-safe: one upstream session feeds it from its one loop, sessions one after another.
/// </summary>
internal sealed class StreamMuxer(string name, TimeSpan configTimeout, TimeProvider time, ILogger logger)
{
    private const long MaxTimestampJumpSeconds = 5;

    /// <summary>Audio moves to match the video only when off by at least this, about one audio frame.</summary>
    private const double RealignMinSeconds = 0.02;

    /// <summary>A larger difference is a broken report, not drift, and is ignored.</summary>
    private const double RealignMaxSeconds = 1.0;

    // Per kind (TrackKind), kept across sessions: a returning camera continues where the last one ended.
    private readonly TrackTimeline[] _timelines = new TrackTimeline[2];
    private readonly int[] _timescales = new int[2];
    private readonly long[] _lastTimestamps = new long[2];

    private TrackConfig?[] _configs = [];
    private int[] _slotOf = [];
    private int[] _sourceOf = [];
    private bool _ready;
    private bool _warnedMissing;
    private long _sessionStart;
    private SessionClock _clock = new(0);
    private (double T0, double S0, bool WallClock)? _origin;
    private uint _sequence;
    private long _videoStartedAt;
    private bool _audioHeard;

    /// <summary>The tracks viewers get now; null until the first session's format is complete.</summary>
    public StreamFormat? Format { get; private set; }

    /// <summary>A new upstream session: its tracks and configs start from nothing (a camera may come back with others).</summary>
    public void StartSession(int trackCount)
    {
        _configs = new TrackConfig?[trackCount];
        _slotOf = Enumerable.Repeat(-1, trackCount).ToArray();
        _sourceOf = [];
        _ready = false;
        _warnedMissing = false;
        _sessionStart = time.GetTimestamp();
        _clock = new SessionClock(trackCount);
        _origin = null;
        _videoStartedAt = -1;
        _audioHeard = false;
        for (var i = 0; i < _timelines.Length; i++)
        {
            _timelines[i].Rebase();
        }
    }

    /// <summary>A config known before any frame (audio from SDP). Returns the new format when it changed.</summary>
    public StreamFormat? OnTrackConfig(int track, TrackConfig config)
    {
        if ((uint)track >= (uint)_configs.Length)
        {
            return null;
        }

        return Accept(track, config);
    }

    public void OnSenderReport(int track, RtcpSenderReport report)
    {
        _clock.OnSenderReport(track, report);
        Realign();
    }

    /// <summary>
    /// Muxes one access unit. <paramref name="formatChanged"/> is set when a new init segment must go out
    /// before the returned fragment. Returns null for a frame no viewer gets (format incomplete, track not
    /// selected, audio before the session's first video frame). <paramref name="receivedNtp"/> is when the
    /// unit reached the hub, for the fragment's prft.
    /// </summary>
    public Fragment? Mux(int track, TrackConfig config, in AccessUnit unit, ulong receivedNtp, out StreamFormat? formatChanged)
    {
        formatChanged = null;
        if ((uint)track >= (uint)_configs.Length)
        {
            return null;
        }

        formatChanged = Accept(track, config) ?? (_ready ? null : TryBecomeReady());
        if (formatChanged is null && config.Kind == TrackKind.Video && unit.IsKeyframe)
        {
            formatChanged = LeaveOutSilentAudio();
        }

        var slot = _ready ? _slotOf[track] : -1;
        if (slot < 0 || Format is not { } format)
        {
            return null;
        }

        var kind = (int)config.Kind;
        var hasVideo = format.Tracks[0].Kind == TrackKind.Video;
        _clock.OnFrame(track, unit.Timestamp, config.Timescale, time.GetTimestamp() / (double)time.TimestampFrequency);
        if (config.Kind == TrackKind.Audio && hasVideo && !_timelines[(int)TrackKind.Video].Started)
        {
            // A viewer gets audio from the video keyframe on; before it, audio has nothing to play with.
            return null;
        }

        ref var timeline = ref _timelines[kind];
        var compositionOffset = TrackTimeline.CompositionOffset(unit.DecodeTimestamp, unit.Timestamp);
        long? startAt = null;
        if (!timeline.Started && StartSeconds(track, unit.Timestamp) is { } start)
        {
            // The start is where the frame is shown; the timeline places decode times.
            startAt = (long)Math.Round(start * config.Timescale) - compositionOffset;
        }

        var maxJump = MaxTimestampJumpSeconds * config.Timescale;
        var closeGaps = config.Kind == TrackKind.Video && format.Tracks.Count == 1;
        if (!timeline.TryNext(unit.DecodeTimestamp, config.DefaultDuration, maxJump, startAt, dropBeforeEnd: config.Kind == TrackKind.Audio, closeGaps, out var dts, out var duration, unit.Duration))
        {
            return null;
        }

        _lastTimestamps[kind] = unit.Timestamp;
        if (config.Kind == TrackKind.Audio)
        {
            _audioHeard = true;
        }
        else if (_videoStartedAt < 0)
        {
            _videoStartedAt = time.GetTimestamp();
        }

        var startsGop = unit.IsKeyframe && (config.Kind == TrackKind.Video || !hasVideo);
        var fragment = Fragment.Rent(MediaFragment.HeaderSize + unit.Length, startsGop, slot, dts, compositionOffset, out var buffer);
        var header = new FragmentHeader(++_sequence, (uint)slot + 1, dts, duration, unit.Length, unit.IsKeyframe, compositionOffset, receivedNtp);
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
        if (!_ready || _audioHeard || _videoStartedAt < 0 || _sourceOf.Length != 2
            || Format is not { Tracks: [{ Kind: TrackKind.Video }, { Kind: TrackKind.Audio } audio] }
            || time.GetElapsedTime(_videoStartedAt) is var silent && silent < configTimeout)
        {
            return null;
        }

        var audioSource = _sourceOf[1];
        _slotOf[audioSource] = -1;
        _sourceOf = [_sourceOf[0]];
        HubLog.AudioSilent(logger, name, audioSource, audio.Codec, silent.TotalSeconds);
        return BuildFormat();
    }

    private StreamFormat? Accept(int track, TrackConfig config)
    {
        if (config.Equals(_configs[track]))
        {
            return null;
        }

        _configs[track] = config;
        if (!_ready)
        {
            return TryBecomeReady();
        }

        return _slotOf[track] >= 0 ? BuildFormat() : null;
    }

    /// <summary>Every track has a config, or the wait for the missing ones is over.</summary>
    private StreamFormat? TryBecomeReady()
    {
        var missing = Array.IndexOf(_configs, null);
        if (missing >= 0)
        {
            var waited = time.GetElapsedTime(_sessionStart);
            if (waited < configTimeout || _configs.All(c => c is null))
            {
                return null;
            }

            for (var i = 0; i < _configs.Length; i++)
            {
                if (_configs[i] is null && !_warnedMissing)
                {
                    HubLog.TrackWithoutConfig(logger, name, i, waited.TotalSeconds);
                }
            }

            _warnedMissing = true;
        }

        var video = Array.FindIndex(_configs, c => c?.Kind == TrackKind.Video);
        var audio = Array.FindIndex(_configs, c => c?.Kind == TrackKind.Audio);
        _sourceOf = new[] { video, audio }.Where(i => i >= 0).ToArray();
        for (var i = 0; i < _configs.Length; i++)
        {
            _slotOf[i] = Array.IndexOf(_sourceOf, i);
            if (_configs[i] is { } ignored && _slotOf[i] < 0)
            {
                HubLog.TrackIgnored(logger, name, i, ignored.Codec);
            }
        }

        _ready = true;
        return BuildFormat();
    }

    private StreamFormat? BuildFormat()
    {
        var tracks = _sourceOf.Select(i => _configs[i]!).ToArray();
        foreach (var t in tracks)
        {
            var kind = (int)t.Kind;
            if (_timescales[kind] != t.Timescale)
            {
                _timelines[kind].Rescale(_timescales[kind], t.Timescale);
                _timescales[kind] = t.Timescale;
            }
        }

        var format = new StreamFormat(tracks);
        if (Format is not null && Format.Tracks.SequenceEqual(format.Tracks))
        {
            return null;
        }

        Format = format;
        return format;
    }

    /// <summary>Where a track's first frame of this session goes, in output seconds; null to continue at its end.</summary>
    private double? StartSeconds(int track, long timestamp)
    {
        if (_origin is not { } origin)
        {
            var wallClock = _clock.HasWallClock(_sourceOf);
            var t0 = 0.0;
            foreach (var t in Format!.Tracks)
            {
                var kind = (int)t.Kind;
                t0 = Math.Max(t0, _timelines[kind].End / (double)t.Timescale);
            }

            if (Sync(track, timestamp, wallClock) is not { } s0)
            {
                return null;
            }

            _origin = origin = (t0, s0, wallClock);
        }

        return Sync(track, timestamp, origin.WallClock) is { } s ? origin.T0 + (s - origin.S0) : null;
    }

    private double? Sync(int track, long timestamp, bool wallClock) =>
        wallClock ? _clock.WallSeconds(track, timestamp) : _clock.ArrivalSeconds(track, timestamp);

    /// <summary>
    /// With a sender report on both tracks, compares where the audio is with where the sender's clock
    /// says it belongs relative to the video, and moves the audio when they differ by more than a frame.
    /// Arrival-time alignment at the start gets this right within network jitter; reports fix the rest
    /// and any drift between the camera's two clocks.
    /// </summary>
    private void Realign()
    {
        if (!_ready || Format is not { Tracks.Count: 2 } format || format.Tracks[0].Kind != TrackKind.Video
            || !_clock.HasWallClock(_sourceOf))
        {
            return;
        }

        ref var video = ref _timelines[(int)TrackKind.Video];
        ref var audio = ref _timelines[(int)TrackKind.Audio];
        if (!video.Started || !audio.Started || audio.ShiftPending
            || _clock.WallSeconds(_sourceOf[0], _lastTimestamps[(int)TrackKind.Video]) is not { } videoWall
            || _clock.WallSeconds(_sourceOf[1], _lastTimestamps[(int)TrackKind.Audio]) is not { } audioWall)
        {
            return;
        }

        var videoScale = (double)format.Tracks[0].Timescale;
        var audioScale = (double)format.Tracks[1].Timescale;
        var wanted = (video.LastDts / videoScale) + (audioWall - videoWall);
        var delta = wanted - (audio.LastDts / audioScale);
        if (Math.Abs(delta) < RealignMinSeconds)
        {
            return;
        }

        if (Math.Abs(delta) > RealignMaxSeconds)
        {
            HubLog.SyncIgnored(logger, name, (long)(delta * 1000));
            return;
        }

        audio.Shift((long)Math.Round(delta * audioScale));
        var deltaMs = (long)Math.Round(delta * 1000);
        HubLog.SyncAdjusted(logger, name, deltaMs);
    }
}
