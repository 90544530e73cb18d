namespace LiveMux.Rtsp.Server;

/// <summary>
/// The RTP packets of one access unit of one track, packetized once per stream and shared read-only by every
/// session that plays it. Packets lie back to back in <see cref="Data"/>; each session rewrites the sequence
/// number as it sends them, so that its own numbering has no gaps when it skips frames.
/// </summary>
public sealed class RtpFrame
{
    private readonly byte[] _data;
    private readonly int[] _packetLengths;

    /// <param name="ntp">The wall-clock time (NTP format) of <paramref name="timestamp"/> on the stream's one
    /// timeline, for RTCP sender reports; 0 when unknown (then none are sent).</param>
    public RtpFrame(byte[] data, int[] packetLengths, uint timestamp, bool isKeyframe, ulong ntp = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(packetLengths);
        var total = 0;
        foreach (var length in packetLengths)
        {
            if (length is < 12 or > ushort.MaxValue)
            {
                throw new ArgumentException($"an RTP packet of {length} bytes cannot be sent interleaved", nameof(packetLengths));
            }
            total += length;
        }
        if (total > data.Length)
        {
            throw new ArgumentException("the packet lengths exceed the data", nameof(packetLengths));
        }
        _data = data;
        _packetLengths = packetLengths;
        Length = total;
        Timestamp = timestamp;
        IsKeyframe = isKeyframe;
        Ntp = ntp;
    }

    /// <summary>The wall-clock time of <see cref="Timestamp"/> (NTP format), or 0.</summary>
    public ulong Ntp { get; }

    public uint Timestamp { get; }

    /// <summary>A receiver can start decoding at this frame.</summary>
    public bool IsKeyframe { get; }

    public int PacketCount => _packetLengths.Length;

    /// <summary>Bytes of all packets, without interleaved framing.</summary>
    public int Length { get; }

    public ReadOnlySpan<byte> Data => _data.AsSpan(0, Length);

    public int PacketLength(int index) => _packetLengths[index];
}
