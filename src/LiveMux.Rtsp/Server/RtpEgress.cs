using System.Security.Cryptography;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;

namespace LiveMux.Rtsp.Server;

/// <summary>
/// Turns the access units of one track into <see cref="RtpFrame"/>s, once per stream, with the packetizer its
/// format creates; the track's SDP section is the format's too. Nothing here knows a codec: a new codec is a new
/// <see cref="MediaFormat"/>.
/// <code>
///   access unit (as the format's depacketizer hands it out) --format.CreatePacketizer--> RTP packets
///     --> one RtpFrame (packets back to back), shared read-only by every session of the stream
///   format.SdpSection(pt) --> RtspTrack.Sdp (a=rtpmap, a=fmtp, then RtpEgressOptions.SdpAttributes)
/// </code>
/// SSRC and the first sequence number are random (RFC 3550 5.1), so is the initial timestamp unless the options
/// fix it. H.264/H.265 keyframes without in-band parameter sets get the format's in front (the packetizer does
/// it), so a session can start at any keyframe. Not thread-safe: one publisher per track.
/// </summary>
public sealed class RtpEgress
{
    private readonly RtpPacketizer _packetizer;
    private readonly uint _initialTimestamp;

    // Packets are collected here, then copied once into the frame's own buffer: a frame outlives the call, and
    // its size is only known once the packetizer is done. Both grow to the largest frame and stay.
    private byte[] _packets = new byte[4096];
    private int[] _lengths = new int[16];
    private int _size;
    private int _count;

    public RtpEgress(MediaFormat format, RtpEgressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        options ??= new RtpEgressOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid RtpEgressOptions: " + string.Join(" ", errors), nameof(options));
        }

        var payloadType = options.PayloadType ?? format.PayloadType;
        var ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _initialTimestamp = options.InitialTimestamp ?? (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        _packetizer = format.CreatePacketizer(new RtpPacketizerOptions
        {
            PayloadType = (byte)payloadType,
            Ssrc = ssrc,
            InitialSequenceNumber = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1),
            InitialTimestamp = _initialTimestamp,
            MaxPayloadSize = options.MaxPayloadSize,
        });
        Format = format;
        Track = new RtspTrack(format.SdpSection(payloadType, options.SdpAttributes), ssrc, format.ClockRate);
    }

    public MediaFormat Format { get; }

    public RtspTrack Track { get; }

    /// <summary>
    /// Packetizes one access unit in the form the format's depacketizer hands one out (video: NAL units with 4-byte
    /// length prefixes, as <see cref="AccessUnit.Data"/>; audio: one frame). <paramref name="timestamp"/> is in the
    /// track's clock; the frame carries it plus the initial timestamp, modulo 2^32.
    /// </summary>
    /// <param name="isKeyframe">A receiver can start decoding at this unit (the session's live policy skips to one).</param>
    /// <exception cref="ArgumentException">The packetizer refused the unit (empty, malformed, too large for its format).</exception>
    /// <param name="ntp">The unit's wall-clock time (NTP format) for sender reports, consistent across the stream's tracks; 0 if unknown.</param>
    public RtpFrame Packetize(ReadOnlySpan<byte> accessUnit, long timestamp, bool isKeyframe, ulong ntp = 0)
    {
        _size = 0;
        _count = 0;
        var status = _packetizer.Packetize(accessUnit, timestamp, static (packet, self) => self.Append(packet), this);
        if (status != PacketizeStatus.Done || _count == 0)
        {
            throw new ArgumentException($"The {Format.EncodingName} packetizer refused the access unit: {status}.", nameof(accessUnit));
        }

        return new RtpFrame(_packets.AsSpan(0, _size).ToArray(), _lengths.AsSpan(0, _count).ToArray(),
            unchecked((uint)(_initialTimestamp + timestamp)), isKeyframe, ntp);
    }

    private void Append(ReadOnlySpan<byte> packet)
    {
        if (_size + packet.Length > _packets.Length)
        {
            Array.Resize(ref _packets, Math.Max(_packets.Length * 2, _size + packet.Length));
        }

        if (_count == _lengths.Length)
        {
            Array.Resize(ref _lengths, _lengths.Length * 2);
        }

        packet.CopyTo(_packets.AsSpan(_size));
        _size += packet.Length;
        _lengths[_count++] = packet.Length;
    }
}
