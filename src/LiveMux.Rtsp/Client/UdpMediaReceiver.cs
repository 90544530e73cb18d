using System.Buffers;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Rtp;
using LiveMux.Rtsp.Transport;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// Takes what the UDP sockets queued (<see cref="UdpReceiver"/>) and hands it on in sequence order, on the loop.
/// <code>
///   datagram --> RTCP?  sender report noted (for LSR/DLSR) -> sink.OnRtcpPacket
///            --> RTP:   parse header once -> count -> reorder buffer (holds buffer + parsed header)
///   then per track: poll (give up gaps older than ReorderMaxWait) -> feedback (PLI) -> dequeue -> sink.OnRtpPacket
/// </code>
/// Pooled buffers go back to the pool once the sink has seen them. Loop only, except <see cref="Garbage"/>.
/// </summary>
internal sealed class UdpMediaReceiver(UdpReceiver udp, TrackReception[] reception, RtcpFeedback feedback, TimeProvider time)
{
    private long _garbage;

    /// <summary>Datagrams that were neither RTP nor RTCP, here and in the socket tasks.</summary>
    public long Garbage => Interlocked.Read(ref _garbage) + udp.Garbage;

    /// <summary>Moves everything queued to the sink; true when an RTP packet arrived (the media watchdog is fed).</summary>
    public bool Drain(IRtpSink sink, long now)
    {
        var media = false;
        udp.ResetSignal();
        while (udp.TryRead(out var datagram))
        {
            if (datagram.IsRtcp)
            {
                OnRtcp(sink, datagram, now);
            }
            else
            {
                media |= OnRtp(sink, datagram, now);
            }
        }
        for (var i = 0; i < reception.Length; i++)
        {
            var r = reception[i];
            r.BeginUpdate();
            r.Reorder!.Poll(now);
            r.EndUpdate();
            feedback.AfterPoll(i, r.Reorder.Skipped, now);
            while (r.Reorder.TryDequeue(out var released))
            {
                try
                {
                    sink.OnRtpPacket(i, released.Header.ToPacket(released.Buffer), released.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(released.Buffer);
                }
            }
        }
        return media;
    }

    private void OnRtcp(IRtpSink sink, UdpDatagram datagram, long now)
    {
        try
        {
            var data = datagram.Buffer.AsSpan(0, datagram.Length);
            if (data.Length < 4 || data[0] >> 6 != 2)
            {
                Interlocked.Increment(ref _garbage);
                return;
            }
            if (RtcpSenderReport.TryFind(data, out var report))
            {
                var r = reception[datagram.Track];
                r.LastSenderReportMiddle = RtcpReceiverReport.MiddleBits(report.NtpTimestamp);
                r.LastSenderReportAt = now;
            }
            sink.OnRtcpPacket(datagram.Track, data);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(datagram.Buffer);
        }
    }

    private bool OnRtp(IRtpSink sink, UdpDatagram datagram, long now)
    {
        var data = datagram.Buffer.AsSpan(0, datagram.Length);
        var status = RtpPacket.TryParse(data, out var packet);
        if (status != RtpParseStatus.Ok)
        {
            var rtpAtAll = data.Length >= 12 && data[0] >> 6 == 2;
            ArrayPool<byte>.Shared.Return(datagram.Buffer);
            if (!rtpAtAll)
            {
                Interlocked.Increment(ref _garbage);
                return false;
            }
            // An RTP header whose extension or padding does not fit: the sink counts it as malformed.
            sink.OnMalformedRtp(datagram.Track, status, datagram.Length);
            return true;
        }
        var r = reception[datagram.Track];
        r.BeginUpdate();
        r.Stats.Update(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, r.ArrivalClock(now, time.TimestampFrequency));
        r.Reorder!.Push(packet.SequenceNumber, datagram.Buffer, datagram.Length, now, RtpHeaderFields.From(packet, data));
        r.EndUpdate();
        return true;
    }
}
