using System.Buffers;
using LiveMux.Media.Rtp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// RTP that a sender pushes to us (a publisher's RECORD), one packet at a time from whoever receives it: the same
/// parse, RFC 3550 counting and UDP reordering a play session does for a camera, for a receiver that has no loop
/// of its own.
/// <code>
///   packet --parse--> malformed? -> sink.OnMalformedRtp
///          --TCP----> count -> sink.OnRtpPacket
///          --UDP----> count -> copy to a pooled buffer -> reorder buffer -> (gaps older than MaxWait given up) -> sink.OnRtpPacket
/// </code>
/// Not thread-safe: calls must not overlap (the caller's one connection, or a lock). <see cref="Snapshot"/> may be
/// called from any thread.
/// </summary>
public sealed class RtpInbound : IDisposable
{
    private readonly TrackReception[] _reception;
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <param name="clockRates">each track's RTP clock rate</param>
    /// <param name="reorder">UDP: put packets back in sequence order, holding at most <paramref name="reorderMaxPackets"/> per track for at most <paramref name="reorderMaxWait"/></param>
    public RtpInbound(IReadOnlyList<int> clockRates, bool reorder, TimeProvider time, int reorderMaxPackets = 64, TimeSpan? reorderMaxWait = null)
    {
        _time = time;
        var maxWait = (long)((reorderMaxWait ?? TimeSpan.FromMilliseconds(50)).TotalSeconds * time.TimestampFrequency);
        _reception = [.. clockRates.Select((rate, i) => new TrackReception(i, rate,
            reorder ? new RtpReorderBuffer(reorderMaxPackets, maxWait, static b => ArrayPool<byte>.Shared.Return(b)) : null))];
    }

    public int TrackCount => _reception.Length;

    /// <summary>One received RTP packet of <paramref name="track"/>; what is in order goes to <paramref name="sink"/> before this returns.</summary>
    public void OnRtp(int track, ReadOnlySpan<byte> data, IRtpSink sink)
    {
        if ((uint)track >= (uint)_reception.Length || _disposed)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var status = RtpPacket.TryParse(data, out var packet);
        if (status != RtpParseStatus.Ok)
        {
            sink.OnMalformedRtp(track, status, data.Length);
            return;
        }

        var r = _reception[track];
        if (r.Reorder is not { } reorder)
        {
            r.Count(packet.SequenceNumber, packet.Timestamp, packet.Ssrc, now, _time.TimestampFrequency);
            sink.OnRtpPacket(track, packet, data.Length);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        r.BeginUpdate();
        r.Stats.Update(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, r.ArrivalClock(now, _time.TimestampFrequency));
        reorder.Push(packet.SequenceNumber, buffer, data.Length, now, RtpHeaderFields.From(packet, data));
        reorder.Poll(now);
        r.EndUpdate();
        Release(track, reorder, sink);
    }

    /// <summary>Gives up gaps held longer than the maximum wait (call now and then when packets may have stopped).</summary>
    public void Poll(IRtpSink sink)
    {
        var now = _time.GetTimestamp();
        for (var i = 0; i < _reception.Length && !_disposed; i++)
        {
            if (_reception[i].Reorder is { Held: > 0 } reorder)
            {
                _reception[i].BeginUpdate();
                reorder.Poll(now);
                _reception[i].EndUpdate();
                Release(i, reorder, sink);
            }
        }
    }

    /// <summary>Hands on everything still held, in order, skipping gaps (the sender is gone).</summary>
    public void Flush(IRtpSink sink)
    {
        for (var i = 0; i < _reception.Length && !_disposed; i++)
        {
            if (_reception[i].Reorder is { } reorder)
            {
                _reception[i].BeginUpdate();
                reorder.FlushAll();
                _reception[i].EndUpdate();
                Release(i, reorder, sink);
            }
        }
    }

    /// <summary>One RTCP compound packet of <paramref name="track"/>; anything that is not RTCP version 2 is ignored.</summary>
    public static void OnRtcp(int track, ReadOnlySpan<byte> data, IRtpSink sink)
    {
        if (data.Length >= 4 && data[0] >> 6 == 2)
        {
            sink.OnRtcpPacket(track, data);
        }
    }

    /// <summary>Each track's reception counters (RFC 3550 appendix A), from any thread.</summary>
    public IReadOnlyList<RtpTrackStats> Snapshot() => [.. _reception.Select(r => r.Snapshot())];

    /// <summary>Returns what is still held to the pool, undelivered.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var r in _reception)
        {
            if (r.Reorder is { } reorder)
            {
                r.BeginUpdate();
                reorder.FlushAll();
                r.EndUpdate();
                while (reorder.TryDequeue(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
        }
    }

    private static void Release(int track, RtpReorderBuffer reorder, IRtpSink sink)
    {
        while (reorder.TryDequeue(out var released))
        {
            try
            {
                sink.OnRtpPacket(track, released.Header.ToPacket(released.Buffer), released.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(released.Buffer);
            }
        }
    }
}
