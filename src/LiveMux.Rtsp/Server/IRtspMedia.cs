using LiveMux.Media.Sdp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// What the server serves at one path: the tracks its SDP announces, and RTP frames per track to whoever
/// subscribes. <see cref="ServerStream"/> is the one a publisher pushes into; a hub stream can be another.
/// </summary>
public interface IRtspMedia
{
    IReadOnlyList<RtspTrack> Tracks { get; }

    /// <summary>
    /// The RTP timestamp of the first frame of <paramref name="track"/> a subscriber joining now gets (its cached
    /// GOP's, else the newest frame's), or null before the first frame.
    /// </summary>
    uint? StartTimestamp(int track);

    /// <summary>
    /// Frames of every track go to <paramref name="subscriber"/> until the result is disposed: the media's cached
    /// GOP at once, if it keeps one, then live. The subscriber must not block: it queues or skips.
    /// </summary>
    IDisposable Subscribe(IRtpFrameSubscriber subscriber);
}

/// <summary>Receives the frames of a subscribed <see cref="IRtspMedia"/>. Calls for one media never overlap.</summary>
public interface IRtpFrameSubscriber
{
    /// <param name="cached">The frame is part of the join burst (the media's cached GOP), not live.</param>
    void OnFrame(int track, RtpFrame frame, bool cached);

    /// <summary>The media ended (its stream was removed, its codecs changed): no frame will come. Default: nothing.</summary>
    void OnEnded(string reason)
    {
    }
}

/// <summary>One announced track: its SDP section (the server adds the control), the SSRC of its packets, and its RTP clock rate.</summary>
public sealed record RtspTrack(SdpMediaSection Sdp, uint Ssrc, int ClockRate = 90000);
