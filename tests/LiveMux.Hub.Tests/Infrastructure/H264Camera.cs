using System.Buffers.Binary;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>
/// Makes access units the way a camera session does: real SPS/PPS and slices packetized into RTP
/// (RFC 6184) by the production <see cref="H264Packetizer"/> and fed through the real <see cref="H264Depacketizer"/>, so the track config and the
/// sample bytes are what a live source would hand the stream. Each slice ends with its frame id, so a
/// fragment a viewer receives can be traced back to the frame it came from (<see cref="FrameId"/>).
/// </summary>
internal sealed class H264Camera : IDisposable
{
    // Real parameter sets from x264 (the same ones LiveMux.Media.Tests/Codecs/H264/SpsSamples.cs checks against ffmpeg).
    public static readonly (string Sps, string Pps) Baseline320x240 = ("6742c00dd90141fb0110000003001000000303c0f142a480", "68cb83cb20");
    public static readonly (string Sps, string Pps) Main640x360 = ("674d401eeca05017fcb808800000030080000019078b16cb", "68ebe3cb20");

    private readonly H264Depacketizer _depacketizer;

    // No parameter sets to insert: like a camera that announces them only in the SDP.
    private readonly H264Packetizer _packetizer = new(new RtpPacketizerOptions { PayloadType = 96, Ssrc = 0x1234, InitialSequenceNumber = 1000 }, []);
    private bool _started;

    public H264Camera((string Sps, string Pps) parameterSets)
    {
        _depacketizer = new H264Depacketizer(null, Convert.FromHexString(parameterSets.Sps), Convert.FromHexString(parameterSets.Pps));
    }

    public TrackConfig Config => _depacketizer.Config ?? throw new InvalidOperationException("no config");

    /// <summary>One frame: an IDR or a non-IDR slice of <paramref name="sliceBytes"/> bytes carrying <paramref name="id"/>.</summary>
    public AccessUnit Frame(int id, bool keyframe, uint rtpTimestamp, int sliceBytes = 200)
    {
        if (!_started && !keyframe)
        {
            // A depacketizer starts on a keyframe; a stream that seems to start mid-GOP needs one it never sees.
            Frame(-1, true, rtpTimestamp - 1).Dispose();
        }

        _started = true;
        var state = new PushState(_depacketizer);
        var status = _packetizer.Packetize(Slice(id, keyframe, sliceBytes), rtpTimestamp, static (packet, s) => s.Push(packet), state);
        if (status != PacketizeStatus.Done || state.Unit is not { } unit)
        {
            throw new InvalidOperationException($"frame {id} did not come out of the depacketizer: {status} {_depacketizer.LastDropReason}");
        }

        if (unit.IsKeyframe != keyframe)
        {
            throw new InvalidOperationException($"frame {id}: keyframe {unit.IsKeyframe}, expected {keyframe}");
        }

        return unit;
    }

    /// <summary>The id of the frame whose sample ends <paramref name="fragment"/>.</summary>
    public static int FrameId(ReadOnlySpan<byte> fragment) => BinaryPrimitives.ReadInt32BigEndian(fragment[^5..^1]);

    /// <summary>One slice NAL unit behind its 4-byte length, as a packetizer takes an access unit.</summary>
    private static byte[] Slice(int id, bool keyframe, int size)
    {
        var unit = new byte[4 + Math.Max(size, 8)];
        BinaryPrimitives.WriteInt32BigEndian(unit, unit.Length - 4);
        var nal = unit.AsSpan(4);
        nal[0] = keyframe ? (byte)0x65 : (byte)0x41;

        // first_mb_in_slice ue(0) = 1, slice_type ue(7 or 5), pic_parameter_set_id ue(0) = 1.
        nal[1] = keyframe ? (byte)0x88 : (byte)0x9A;
        nal[2] = 0x80;
        for (var i = 3; i < nal.Length - 5; i++)
        {
            nal[i] = (byte)(0x11 + (i % 200));
        }

        BinaryPrimitives.WriteInt32BigEndian(nal[^5..], id);
        nal[^1] = 0x80;
        return unit;
    }

    public void Dispose() => _depacketizer.Dispose();

    private sealed class PushState(H264Depacketizer depacketizer)
    {
        public AccessUnit? Unit { get; private set; }

        public void Push(ReadOnlySpan<byte> data)
        {
            if (RtpPacket.TryParse(data, out var packet) != RtpParseStatus.Ok)
            {
                throw new InvalidOperationException("the packetizer wrote an unparsable packet");
            }

            if (depacketizer.Push(packet, out var unit) == DepacketizeStatus.AccessUnit)
            {
                Unit = unit;
            }
        }
    }
}
