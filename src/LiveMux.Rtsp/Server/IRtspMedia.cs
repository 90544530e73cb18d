using LiveMux.Media.Sdp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// What the server serves at one path: the tracks its SDP announces, and RTP frames per track to whoever
/// subscribes. <see cref="ServerStream"/> is the one a publisher pushes into; a hub stream can be another.
/// </summary>
public interface IRtspMedia
{
    IReadOnlyList<RtspTrack> Tracks { get; }

    /// <summary>The RTP timestamp of the newest frame of <paramref name="track"/>, or null before the first.</summary>
    uint? LastTimestamp(int track);

    /// <summary>
    /// Frames of every track from now on go to <paramref name="subscriber"/> until the result is disposed. The
    /// subscriber must not block: it queues or skips.
    /// </summary>
    IDisposable Subscribe(IRtpFrameSubscriber subscriber);
}

/// <summary>Receives the frames of a subscribed <see cref="IRtspMedia"/>. Calls for one media never overlap.</summary>
public interface IRtpFrameSubscriber
{
    void OnFrame(int track, RtpFrame frame);
}

/// <summary>One announced track: its SDP section (the server adds the control) and the SSRC of its packets.</summary>
public sealed record RtspTrack(SdpMediaSection Sdp, uint Ssrc);
