using LiveMux.Media.Rtp;

namespace LiveMux.Rtsp.Client;

/// <summary>Where a play session hands its media; every call comes from the session's loop, one at a time.</summary>
public interface IRtpSink
{
    /// <summary>
    /// One RTP packet of the track, its header parsed once by the session (the sink does not parse it again).
    /// <paramref name="packet"/> views the receive buffer and is valid only during the call; <paramref name="size"/>
    /// is the whole packet's length on the wire.
    /// </summary>
    void OnRtpPacket(int trackIndex, in RtpPacket packet, int size);

    /// <summary>A packet on the track's RTP channel whose RTP header does not parse (<paramref name="status"/> says why).</summary>
    void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size);

    /// <summary>Called for each (compound) RTCP packet received for the track; same lifetime rule as RTP.</summary>
    void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet);
}
