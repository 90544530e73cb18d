using System.Buffers;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Protocol;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// Routes the frames read from the control connection while playing (RFC 2326 section 10.12): interleaved RTP and
/// RTCP to the sink by channel, server requests to the inbox, responses to the log. It runs inside the loop's read,
/// on the loop; it only records, the loop acts.
/// <code>
///   $ ch len payload --> ch is a track's RTP channel?  parse header once -> count -> sink.OnRtpPacket
///                        ch is the channel after it?   sink.OnRtcpPacket
///                        else                          dropped (a channel nobody set up)
///   request          --> inbox (full: stop reading until the loop answered)
///   response         --> keepalive answer, or logged as unexpected
/// </code>
/// </summary>
internal sealed class InterleavedDispatcher : IRtspFrameHandler
{
    private readonly int[] _trackByChannel = new int[256];
    private readonly int[] _rtcpTrackByChannel = new int[256];
    private readonly TrackReception[] _reception;
    private readonly RtspControl _control;
    private readonly Keepalive _keepalive;
    private readonly IRtpSink _sink;
    private readonly byte[] _scratch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public InterleavedDispatcher(
        int[] rtpChannels, TrackReception[] reception, RtspControl control, Keepalive keepalive, IRtpSink sink,
        int maxFrameBytes, long start, TimeProvider time, ILogger logger)
    {
        Array.Fill(_trackByChannel, -1);
        Array.Fill(_rtcpTrackByChannel, -1);
        for (var i = 0; i < rtpChannels.Length; i++)
        {
            _trackByChannel[rtpChannels[i]] = i;
            if (rtpChannels[i] < 255 && _trackByChannel[rtpChannels[i] + 1] < 0)
            {
                _rtcpTrackByChannel[rtpChannels[i] + 1] = i;
            }
        }
        _reception = reception;
        _control = control;
        _keepalive = keepalive;
        _sink = sink;
        _scratch = new byte[maxFrameBytes];
        _time = time;
        _logger = logger;
        LastRtp = start;
    }

    /// <summary>When the last packet arrived on an RTP channel (the media watchdog reads it).</summary>
    public long LastRtp { get; private set; }

    public bool OnFrame(in RtspFrame frame)
    {
        switch (frame.Kind)
        {
            case RtspFrameKind.Interleaved:
                var track = _trackByChannel[frame.Channel];
                var rtcpTrack = _rtcpTrackByChannel[frame.Channel];
                if (track < 0 && rtcpTrack < 0)
                {
                    return false; // a channel nobody set up
                }
                var payload = frame.Payload;
                var data = payload.IsSingleSegment ? payload.FirstSpan : Copy(payload, _scratch);
                if (track >= 0)
                {
                    OnRtp(track, data);
                }
                else
                {
                    _sink.OnRtcpPacket(rtcpTrack, data);
                }
                return false;
            case RtspFrameKind.Request:
                // A full inbox stops the read so the loop answers before reading more.
                return _control.Inbox.Hold(frame);
            default:
                var response = frame.Response!;
                if (response.CSeq == _keepalive.CSeq)
                {
                    RtspLog.KeepaliveAnswered(_logger, _control.Url.ToString(), response.StatusCode);
                }
                else
                {
                    RtspLog.UnexpectedResponse(_logger, _control.Url.ToString(), response.StatusCode, response.CSeq);
                }
                return false;
        }
    }

    private void OnRtp(int track, ReadOnlySpan<byte> data)
    {
        var now = _time.GetTimestamp();
        LastRtp = now;
        var status = RtpPacket.TryParse(data, out var packet);
        if (status != RtpParseStatus.Ok)
        {
            _sink.OnMalformedRtp(track, status, data.Length);
            return;
        }
        _reception[track].Count(packet.SequenceNumber, packet.Timestamp, packet.Ssrc, now, _time.TimestampFrequency);
        _sink.OnRtpPacket(track, packet, data.Length);
    }

    private static ReadOnlySpan<byte> Copy(in ReadOnlySequence<byte> payload, byte[] scratch)
    {
        var copy = scratch.AsSpan(0, (int)payload.Length);
        payload.CopyTo(copy);
        return copy;
    }
}
