using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>An access unit copied out of its pooled buffer.</summary>
internal sealed record CapturedUnit(byte[] Data, long Timestamp, bool IsKeyframe, bool ConfigChanged, long DecodeTimestamp = 0);

/// <summary>Pushes RTP packets through a depacketizer and records everything that comes out.</summary>
internal sealed class DepacketizerHarness : IDisposable
{
    public DepacketizerHarness(H264DepacketizerOptions? options = null, byte[]? sps = null, byte[]? pps = null)
        : this(new H264Depacketizer(options, sps, pps))
    {
    }

    public DepacketizerHarness(NalDepacketizer depacketizer)
    {
        Depacketizer = depacketizer;
    }

    public NalDepacketizer Depacketizer { get; }

    public List<CapturedUnit> Units { get; } = [];

    public List<DropReason> Drops { get; } = [];

    /// <summary>Per access unit: the Config in effect when it came out.</summary>
    public List<TrackConfig?> Configs { get; } = [];

    public void Push(IEnumerable<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            Push(packet);
        }
    }

    public DepacketizeStatus Push(byte[] data)
    {
        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(data, out var packet));
        var status = Depacketizer.Push(packet, out var unit);
        switch (status)
        {
            case DepacketizeStatus.AccessUnit:
                // A packet right after a gap can itself complete a good frame (a one-packet IDR); the gap is
                // then still reported alongside the unit. No other reason may accompany a unit.
                Assert.Contains(Depacketizer.LastDropReason, (DropReason[])[DropReason.None, DropReason.SequenceGap]);
                if (Depacketizer.LastDropReason == DropReason.SequenceGap)
                {
                    Drops.Add(DropReason.SequenceGap);
                }

                Units.Add(new CapturedUnit(unit.Data.ToArray(), unit.Timestamp, unit.IsKeyframe, unit.ConfigChanged, unit.DecodeTimestamp));
                Configs.Add(Depacketizer.Config);
                unit.Dispose();
                break;
            case DepacketizeStatus.Dropped:
                Assert.NotEqual(DropReason.None, Depacketizer.LastDropReason);
                Assert.Equal(0, unit.Length);
                Drops.Add(Depacketizer.LastDropReason);
                break;
            default:
                Assert.Equal(0, unit.Length);
                break;
        }

        return status;
    }

    public void Dispose() => Depacketizer.Dispose();
}
