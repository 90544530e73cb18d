namespace LiveMux.Rtsp.Client;

public interface IRtpSink
{
    /// <summary>
    /// Called on the session's read loop for each RTP packet on the track's RTP channel.
    /// <paramref name="packet"/> is a view of the receive buffer, valid only during the call.
    /// </summary>
    void OnRtpPacket(int trackIndex, ReadOnlySpan<byte> packet);

    /// <summary>Called for each (compound) RTCP packet received for the track; same lifetime rule as RTP.</summary>
    void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet);
}
