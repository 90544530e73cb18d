using System.Security.Cryptography;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;
using LiveMux.Media.Sdp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// Turns H.264 access units into <see cref="RtpFrame"/>s with the production packetizer (RFC 6184, packetization
/// mode 1), once per stream. SPS and PPS go in-band before every keyframe that does not carry them, as cameras
/// send them, so a session can start at any keyframe.
/// </summary>
public sealed class H264RtpEgress
{
    private const int NalIdr = 5;
    private const int NalSps = 7;
    private const int NalPps = 8;

    private readonly ReadOnlyMemory<byte> _sps;
    private readonly ReadOnlyMemory<byte> _pps;
    private readonly byte _payloadType;
    private readonly int _maxPayload;
    private ushort _sequence;

    public H264RtpEgress(ReadOnlyMemory<byte> sps, ReadOnlyMemory<byte> pps, IReadOnlyList<string>? sdpAttributes = null,
        int payloadType = 96, int maxPayload = H264Packetizer.DefaultMaxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 100);
        _sps = sps;
        _pps = pps;
        _payloadType = (byte)payloadType;
        _maxPayload = maxPayload;
        _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        var sdp = SdpMediaSection.H264(payloadType, sps.Span, pps.Span) with { Attributes = sdpAttributes ?? [] };
        Track = new RtspTrack(sdp, (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue));
    }

    public RtspTrack Track { get; }

    /// <summary>Packetizes one access unit: its NAL units (no start codes) in decode order.</summary>
    public RtpFrame Packetize(IReadOnlyList<ReadOnlyMemory<byte>> nalUnits, uint timestamp)
    {
        ArgumentNullException.ThrowIfNull(nalUnits);
        if (nalUnits.Count == 0)
        {
            throw new ArgumentException("an access unit has at least one NAL unit", nameof(nalUnits));
        }
        var isKeyframe = false;
        var hasParameterSets = false;
        foreach (var nal in nalUnits)
        {
            var type = nal.Span[0] & 0x1F;
            isKeyframe |= type == NalIdr;
            hasParameterSets |= type is NalSps or NalPps;
        }
        var sendParameterSets = isKeyframe && !hasParameterSets;

        int size = 0, packets = 0;
        if (sendParameterSets)
        {
            Count(_sps.Length, ref size, ref packets);
            Count(_pps.Length, ref size, ref packets);
        }
        foreach (var nal in nalUnits)
        {
            Count(nal.Length, ref size, ref packets);
        }

        var data = new byte[size];
        var lengths = new int[packets];
        int offset = 0, packet = 0;
        if (sendParameterSets)
        {
            Write(_sps.Span, last: false, timestamp, data, lengths, ref offset, ref packet);
            Write(_pps.Span, last: false, timestamp, data, lengths, ref offset, ref packet);
        }
        for (var i = 0; i < nalUnits.Count; i++)
        {
            Write(nalUnits[i].Span, last: i == nalUnits.Count - 1, timestamp, data, lengths, ref offset, ref packet);
        }
        return new RtpFrame(data, lengths, timestamp, isKeyframe);
    }

    private void Count(int nalLength, ref int size, ref int packets)
    {
        size += H264Packetizer.GetPacketizedSize(nalLength, _maxPayload);
        packets += H264Packetizer.GetPacketCount(nalLength, _maxPayload);
    }

    private void Write(ReadOnlySpan<byte> nal, bool last, uint timestamp, byte[] data, int[] lengths, ref int offset, ref int packet)
    {
        var count = H264Packetizer.GetPacketCount(nal.Length, _maxPayload);
        for (var i = 0; i < count; i++)
        {
            var header = new H264Packetizer.HeaderFields(_payloadType, _sequence++, timestamp, Track.Ssrc);
            var status = H264Packetizer.WritePacket(nal, i, header, last, data.AsSpan(offset), out var written, _maxPayload);
            if (status != H264Packetizer.Status.Done)
            {
                // Sizes come from the packetizer's own arithmetic over the same NAL unit.
                throw new InvalidOperationException($"packetizing an H.264 NAL unit failed: {status}");
            }
            lengths[packet++] = written;
            offset += written;
        }
    }
}
