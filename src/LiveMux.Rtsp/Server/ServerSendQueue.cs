using System.Buffers.Binary;
using System.Threading.Channels;
using LiveMux.Media.Mp4;
using LiveMux.Rtsp.Rtp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// The one queue between a connection's producers (its responses, the media's fan-out) and its socket, and the
/// writer loop that owns the socket's send side (Kestrel's shape: producers never write to the socket).
/// Frames are counted against <c>frameCapacity</c>; responses have a few slots of their own, so a slow client still
/// gets its keepalive answers, and a client that sends requests but reads nothing is found out. Each send may block
/// only <c>sendTimeout</c>; then the connection is closed. A UDP track's packets leave through the server's UDP
/// pair instead, in the same order and by the same live policy. Each track gets a sender report after its first
/// frame and then every <see cref="ReportInterval"/>, on its RTCP channel or port.
/// <code>
///   RTSP interleaved frame (RFC 2326 section 10.12), one per RTP packet:
///   +-----+---------+--------------------+----------------------+
///   | '$' | channel | length (16 bit BE) | RTP packet (length)  |
///   +-----+---------+--------------------+----------------------+
/// </code>
/// </summary>
internal sealed class ServerSendQueue
{
    private const int ResponseSlots = 8;
    private const int InterleavedPrefix = 4;
    private const int BatchBytes = 64 * 1024;
    private const int RtpHeader = 12;

    /// <summary>RFC 3550 section 6.2's suggested minimum between reports.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(5);

    private readonly Channel<Item> _channel = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _frameCapacity;
    private int _frames;
    private int _responses;
    private long _peakFrames;
    private long _framesSent;
    private readonly TimeProvider _time;
    private readonly ServerUdp? _udp;
    private byte[] _scratch = new byte[BatchBytes];
    private byte[]? _datagram;

    public ServerSendQueue(int frameCapacity, TimeProvider time, ServerUdp? udp)
    {
        _frameCapacity = frameCapacity;
        _time = time;
        _udp = udp;
    }

    public bool IsFull => Volatile.Read(ref _frames) >= _frameCapacity;

    /// <summary>The most frames ever queued at once: at most the capacity, or a join burst (one cached GOP), whichever is larger.</summary>
    public long PeakFrames => Interlocked.Read(ref _peakFrames);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Queues a response; false when the client has left too many unread: close it.</summary>
    public bool TryEnqueueResponse(byte[] response)
    {
        if (Interlocked.Increment(ref _responses) > ResponseSlots)
        {
            Interlocked.Decrement(ref _responses);
            return false;
        }
        return _channel.Writer.TryWrite(Item.ForResponse(response));
    }

    /// <summary>Queues a frame for <paramref name="track"/>; the caller has checked <see cref="IsFull"/>.</summary>
    public void EnqueueFrame(SessionTrack track, RtpFrame frame)
    {
        var queued = Interlocked.Increment(ref _frames);
        if (queued > Interlocked.Read(ref _peakFrames))
        {
            Interlocked.Exchange(ref _peakFrames, queued); // one producer (the media's fan-out) queues frames
        }
        if (!_channel.Writer.TryWrite(Item.ForFrame(track, frame)))
        {
            Interlocked.Decrement(ref _frames); // completed: the connection is closing
        }
    }

    /// <summary>Nothing more is queued; the writer ends once the queue is empty.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// Writes queued items in order, batching what is already queued into one send. <paramref name="sendStarted"/>
    /// and <paramref name="sendEnded"/> bracket each send, for the caller's deadline.
    /// </summary>
    public async Task RunWriterAsync(Stream stream, Action sendStarted, Action sendEnded, CancellationToken ct)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var filled = 0;
                while (filled < BatchBytes && _channel.Reader.TryRead(out var item))
                {
                    filled = Append(item, filled);
                }
                sendStarted();
                await stream.WriteAsync(_scratch.AsMemory(0, filled), ct).ConfigureAwait(false);
                sendEnded();
            }
        }
        finally
        {
            Complete();
        }
    }

    private int Append(Item item, int filled)
    {
        if (item.Response is { } response)
        {
            Interlocked.Decrement(ref _responses);
            EnsureRoom(filled, response.Length);
            response.CopyTo(_scratch, filled);
            return filled + response.Length;
        }

        Interlocked.Decrement(ref _frames);
        var frame = item.Frame!;
        var track = item.Track!;
        filled = track.Udp is { } udp ? SendUdp(track, frame, udp, filled) : AppendInterleaved(track, frame, filled);
        Interlocked.Increment(ref _framesSent);
        unchecked
        {
            track.PacketsSent += (uint)frame.PacketCount;
            track.OctetsSent += (uint)(frame.Length - (RtpHeader * frame.PacketCount));
        }

        return frame.Ntp == 0 ? filled : MaybeReport(track, frame, filled);
    }

    private int AppendInterleaved(SessionTrack track, RtpFrame frame, int filled)
    {
        EnsureRoom(filled, frame.Length + (InterleavedPrefix * frame.PacketCount));
        var source = frame.Data;
        var destination = _scratch.AsSpan(filled);
        int read = 0, written = 0;
        for (var i = 0; i < frame.PacketCount; i++)
        {
            var length = frame.PacketLength(i);
            destination[written] = (byte)'$';
            destination[written + 1] = track.RtpChannel;
            BinaryPrimitives.WriteUInt16BigEndian(destination[(written + 2)..], (ushort)length);
            var packet = destination.Slice(written + InterleavedPrefix, length);
            source.Slice(read, length).CopyTo(packet);
            // This session's own numbering: only packets it sends take a number, so skips show no false loss.
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], track.NextSequence++);
            read += length;
            written += InterleavedPrefix + length;
        }
        return filled + written;
    }

    private int SendUdp(SessionTrack track, RtpFrame frame, UdpTarget target, int filled)
    {
        var datagram = _datagram ??= new byte[ushort.MaxValue];
        var source = frame.Data;
        var read = 0;
        for (var i = 0; i < frame.PacketCount; i++)
        {
            var length = frame.PacketLength(i);
            var packet = datagram.AsSpan(0, length);
            source.Slice(read, length).CopyTo(packet);
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], track.NextSequence++);
            _udp!.Send(packet, target.Rtp, rtcp: false);
            read += length;
        }
        return filled;
    }

    /// <summary>
    /// A sender report when one is due. Its NTP time is now, and its RTP time the frame's extrapolated to now along
    /// the stream's one timeline, so the tracks' reports agree with each other whatever the delivery delay.
    /// </summary>
    private int MaybeReport(SessionTrack track, RtpFrame frame, int filled)
    {
        var now = _time.GetTimestamp();
        if (track.LastReportAt >= 0 && _time.GetElapsedTime(track.LastReportAt, now) < ReportInterval)
        {
            return filled;
        }
        track.LastReportAt = now;
        var ntp = ProducerReferenceTime.ToNtp(_time.GetUtcNow());
        var seconds = (long)(ntp - frame.Ntp) / 4294967296.0;
        var rtp = unchecked(frame.Timestamp + (uint)(long)Math.Round(seconds * track.ClockRate));
        Span<byte> report = stackalloc byte[RtcpSenderReportWriter.Length];
        RtcpSenderReportWriter.Write(report, track.Ssrc, ntp, rtp, track.PacketsSent, track.OctetsSent);
        if (track.Udp is { } udp)
        {
            _udp!.Send(report, udp.Rtcp, rtcp: true);
            return filled;
        }
        EnsureRoom(filled, InterleavedPrefix + report.Length);
        var destination = _scratch.AsSpan(filled);
        destination[0] = (byte)'$';
        destination[1] = track.RtcpChannel;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)report.Length);
        report.CopyTo(destination[InterleavedPrefix..]);
        return filled + InterleavedPrefix + report.Length;
    }

    private void EnsureRoom(int filled, int more)
    {
        if (filled + more > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, filled + more));
        }
    }

    private readonly record struct Item(byte[]? Response, SessionTrack? Track, RtpFrame? Frame)
    {
        public static Item ForResponse(byte[] response) => new(response, null, null);

        public static Item ForFrame(SessionTrack track, RtpFrame frame) => new(null, track, frame);
    }
}
