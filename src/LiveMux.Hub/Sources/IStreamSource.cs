using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Hub.Sources;

/// <summary>
/// Where a stream's samples come from: a camera over RTSP, or an ffmpeg process. A source runs one upstream
/// session; the stream around it owns retries, the timeline and fan-out.
/// </summary>
internal interface IStreamSource
{
    /// <summary>Redacted description for logs and the API.</summary>
    string Description { get; }

    /// <summary>
    /// Runs one session until <paramref name="ct"/> is cancelled (returns) or the session fails (throws a
    /// <see cref="StreamSourceException"/> that says why, for admins and for viewers).
    /// </summary>
    Task RunAsync(ISampleSink sink, CancellationToken ct);

    /// <summary>
    /// Before a session: a source whose upstream comes to it (a publisher) waits here until one does, telling
    /// <paramref name="sink"/> it is waiting (<see cref="ISampleSink.OnWaiting"/>). Waiting is not a session and
    /// not a failure. A publish source that returns from <see cref="RunAsync"/> without being cancelled (its
    /// publisher left) waits here again at once, with no backoff. Sources that connect out (cameras, ffmpeg) do not wait.
    /// </summary>
    Task WaitForUpstreamAsync(ISampleSink sink, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// A consumer needs a keyframe soon (a snapshot, a recorder starting a segment, a WebRTC peer's PLI): the
    /// source asks its camera where it can (RTCP PLI), and ignores it otherwise. Called from any thread.
    /// </summary>
    void RequestKeyframe()
    {
    }
}

internal interface ISampleSink
{
    /// <summary>
    /// No upstream yet, and none is late: the stream waits for one to come (a publisher). Viewers are told
    /// <paramref name="reason"/> as a reconnecting camera's, without a failure, a retry or a backoff.
    /// </summary>
    void OnWaiting(string reason)
    {
    }

    /// <summary>A new upstream session is playing with this many tracks.</summary>
    void OnSessionStarted(int trackCount);

    /// <summary>
    /// A track's typed format (codec parameters from the SDP, or from ffmpeg's MP4 sample entry), before its config
    /// and first frame, for egresses that write the codec's own payload format again (RTSP). Not called for a track
    /// whose codec has no RTP payload format (FLAC from ffmpeg).
    /// </summary>
    void OnTrackFormat(int track, MediaFormat format)
    {
    }

    /// <summary>
    /// A track's decoder configuration known before its first frame (audio from the SDP), so the init
    /// segment need not wait for that track's first frame.
    /// </summary>
    void OnTrackConfig(int track, TrackConfig config)
    {
    }

    /// <summary>A whole access unit, with the track's config as of this sample. The sink takes the caller's reference.</summary>
    void OnSample(int track, TrackConfig config, Sample sample);

    /// <summary>The sender's wall clock for a track's RTP clock (RTCP SR), for lip sync across tracks.</summary>
    void OnSenderReport(int track, RtcpSenderReport report);

    /// <summary>Where the session's packet reception counters can be read, from any thread (sources that receive packets).</summary>
    void OnReceptionStats(Func<ReceptionStats> read)
    {
    }

    /// <summary>
    /// The session given to <see cref="OnReceptionStats"/> as <paramref name="read"/> has ended with these numbers.
    /// They outlive it without keeping it alive, unless a newer session has already taken its place.
    /// </summary>
    void OnReceptionEnded(Func<ReceptionStats> read, ReceptionStats last)
    {
    }

    void OnPacket(int bytes);

    void OnDrop(DropReason reason);
}
