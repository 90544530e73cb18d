using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Timeline;

/// <summary>
/// Puts the units of one stream on its output timeline: it picks the tracks (the first video and the first
/// audio track of a session), says when their configs are complete, and places every unit at a decode time
/// that is gap-free per track and in sync across tracks. It knows no container: what it hands out is the
/// <see cref="Placement"/> of each unit.
/// <code>
///   slots:         0 = video (if any), then audio
///   session start: every track's timeline ends at End_k; the session begins at T0 = max_k(End_k)
///   first frame of track k in the session: dts_k = T0 + (sync_k(ts) - S0)   (S0: the first frame placed)
///   sync = sender wall clock (RTCP SR on every track) or arrival time; later reports re-align the audio
/// </code>
/// Not thread-safe: one upstream session feeds it from its one loop, sessions one after another.
/// </summary>
internal sealed class TrackSynchronizer(string name, TimeSpan configTimeout, TimeProvider time, ILogger logger)
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
    private TrackConfig[]? _tracks;
    private bool _ready;
    private bool _warnedMissing;
    private long _sessionStart;
    private SessionClock _clock = new(0);
    private (double T0, double S0, bool WallClock)? _origin;

    /// <summary>The used tracks' configs by slot; null until the first session's are complete. Kept across sessions.</summary>
    public IReadOnlyList<TrackConfig>? Tracks => _tracks;

    /// <summary>The current session's track count.</summary>
    public int TrackCount => _configs.Length;

    /// <summary>This session's tracks are chosen (every config came, or the wait for the missing ones is over).</summary>
    public bool IsReady => _ready;

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
        for (var i = 0; i < _timelines.Length; i++)
        {
            _timelines[i].Rebase();
        }
    }

    /// <summary>A config known before any frame (audio from SDP). True when <see cref="Tracks"/> changed.</summary>
    public bool OnTrackConfig(int track, TrackConfig config) =>
        (uint)track < (uint)_configs.Length && Accept(track, config);

    /// <summary>
    /// The config a unit came with, before <see cref="Place"/>: besides taking a new config it ends the wait
    /// for missing ones once that is over. True when <see cref="Tracks"/> changed.
    /// </summary>
    public bool OnUnitConfig(int track, TrackConfig config) =>
        (uint)track < (uint)_configs.Length && (Accept(track, config) || (!_ready && TryBecomeReady()));

    public void OnSenderReport(int track, RtcpSenderReport report)
    {
        _clock.OnSenderReport(track, report);
        Realign();
    }

    /// <summary>The session's track in <paramref name="slot"/>.</summary>
    public int SourceOf(int slot) => _sourceOf[slot];

    /// <summary>
    /// Places one unit of <paramref name="track"/> (after <see cref="OnUnitConfig"/>): <paramref name="timestamp"/>
    /// is its presentation and <paramref name="decodeTimestamp"/> its decode time in the track's unwrapped clock,
    /// <paramref name="duration"/> its exact length when the codec states it (else 0). Its arrival time is now.
    /// </summary>
    public PlaceResult Place(int track, TrackConfig config, long timestamp, long decodeTimestamp, int duration, out Placement placement)
    {
        placement = default;
        if ((uint)track >= (uint)_configs.Length)
        {
            return PlaceResult.TrackNotUsed;
        }

        if (!_ready || _tracks is not { } tracks)
        {
            return PlaceResult.FormatIncomplete;
        }

        var slot = _slotOf[track];
        if (slot < 0)
        {
            return PlaceResult.TrackNotUsed;
        }

        var kind = (int)config.Kind;
        var hasVideo = tracks[0].Kind == TrackKind.Video;
        _clock.OnFrame(track, timestamp, config.Timescale, time.GetTimestamp() / (double)time.TimestampFrequency);
        if (config.Kind == TrackKind.Audio && hasVideo && !_timelines[(int)TrackKind.Video].Started)
        {
            return PlaceResult.AudioBeforeVideo;
        }

        ref var timeline = ref _timelines[kind];
        var compositionOffset = TrackTimeline.CompositionOffset(decodeTimestamp, timestamp);
        long? startAt = null;
        if (!timeline.Started && StartSeconds(track, timestamp) is { } start)
        {
            // The start is where the frame is shown; the timeline places decode times.
            startAt = (long)Math.Round(start * config.Timescale) - compositionOffset;
        }

        var maxJump = MaxTimestampJumpSeconds * config.Timescale;
        var closeGaps = config.Kind == TrackKind.Video && tracks.Length == 1;
        if (!timeline.TryNext(decodeTimestamp, config.DefaultDuration, maxJump, startAt, dropBeforeEnd: config.Kind == TrackKind.Audio, closeGaps, out var dts, out var placedDuration, duration))
        {
            return PlaceResult.BehindTimeline;
        }

        _lastTimestamps[kind] = timestamp;
        placement = new Placement(slot, dts, placedDuration, compositionOffset);
        return PlaceResult.Placed;
    }

    private bool Accept(int track, TrackConfig config)
    {
        if (config.Equals(_configs[track]))
        {
            return false;
        }

        _configs[track] = config;
        if (!_ready)
        {
            return TryBecomeReady();
        }

        return _slotOf[track] >= 0 && BuildTracks();
    }

    /// <summary>Every track has a config, or the wait for the missing ones is over.</summary>
    private bool TryBecomeReady()
    {
        var missing = Array.IndexOf(_configs, null);
        if (missing >= 0)
        {
            var waited = time.GetElapsedTime(_sessionStart);
            if (waited < configTimeout || _configs.All(c => c is null))
            {
                return false;
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
        return BuildTracks();
    }

    private bool BuildTracks()
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

        if (_tracks is not null && _tracks.SequenceEqual(tracks))
        {
            return false;
        }

        _tracks = tracks;
        return true;
    }

    /// <summary>Where a track's first frame of this session goes, in output seconds; null to continue at its end.</summary>
    private double? StartSeconds(int track, long timestamp)
    {
        if (_origin is not { } origin)
        {
            var wallClock = _clock.HasWallClock(_sourceOf);
            var t0 = 0.0;
            foreach (var t in _tracks!)
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
        if (!_ready || _tracks is not [{ Kind: TrackKind.Video } videoTrack, var audioTrack]
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

        var videoScale = (double)videoTrack.Timescale;
        var audioScale = (double)audioTrack.Timescale;
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
