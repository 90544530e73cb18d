using LiveMux.Media.Sdp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// Where a publisher's media goes (ANNOUNCE, SETUP mode=record, RECORD; RFC 2326 sections 10.3 and 10.11): one
/// publisher at a time. The server authenticates the publisher and parses its SDP; the target decides whether it
/// takes it, and turns its packets into something (the hub: samples).
/// <code>
///   ANNOUNCE (SDP) --TryBegin--> IRtspPublishSession   (refused: a reason the publisher is told)
///   SETUP mode=record (TCP interleaved or UDP) ... RECORD --> OnRtp / OnRtcp per announced track
///   TEARDOWN, connection closed, session timeout --> End(reason)
/// </code>
/// </summary>
public interface IRtspPublishTarget
{
    /// <summary>
    /// A publisher announced <paramref name="tracks"/> (every m= section of its SDP, in order: a track's index in
    /// later calls is its position here). Returns its session, or null and the reason it is refused (another
    /// publisher is connected, no track can be carried). <paramref name="disconnect"/> closes the publisher's
    /// connection with a reason (a media timeout, garbage), from any thread.
    /// </summary>
    IRtspPublishSession? TryBegin(IReadOnlyList<MediaTrack> tracks, RtspPublisherInfo publisher, Action<string> disconnect, out string? refusal);
}

/// <summary>One publisher's session. Calls never overlap; none come after <see cref="End"/>.</summary>
public interface IRtspPublishSession
{
    /// <summary>RECORD was accepted: packets follow over <paramref name="transport"/> ("tcp" or "udp"; UDP may reorder and lose).</summary>
    void OnRecord(string transport);

    /// <summary>One RTP packet of announced track <paramref name="track"/>, as received (unparsed, untrusted).</summary>
    void OnRtp(int track, ReadOnlySpan<byte> packet);

    /// <summary>One RTCP compound packet of track <paramref name="track"/> (the publisher's sender reports).</summary>
    void OnRtcp(int track, ReadOnlySpan<byte> packet);

    /// <summary>The publisher is gone (TEARDOWN, closed, timed out, refused mid-way); called exactly once.</summary>
    void End(string reason);
}

/// <summary>Who publishes: the remote address (ip:port), for logs and the API.</summary>
public sealed record RtspPublisherInfo(string Remote);
