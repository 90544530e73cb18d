using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>An audio access unit copied out of its pooled buffer.</summary>
internal sealed record AudioUnit(byte[] Data, long Timestamp, int Duration, bool ConfigChanged);

/// <summary>
/// Pushes packets through any depacketizer, takes every unit of a packet (Push, then TryTakeNext until false)
/// and records units and drops, checking the IDepacketizer contract on the way.
/// </summary>
internal sealed class AudioHarness(IDepacketizer depacketizer) : IDisposable
{
    public IDepacketizer Depacketizer { get; } = depacketizer;

    public List<AudioUnit> Units { get; } = [];

    public List<DropReason> Drops { get; } = [];

    /// <summary>Units per pushed packet, in order.</summary>
    public List<int> UnitsPerPacket { get; } = [];

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
        var count = 0;
        if (Depacketizer.LastDropReason != DropReason.None)
        {
            Drops.Add(Depacketizer.LastDropReason);
        }

        switch (status)
        {
            case DepacketizeStatus.AccessUnit:
                Take(unit);
                count++;
                while (Depacketizer.TryTakeNext(out var next))
                {
                    Take(next);
                    count++;
                }

                break;
            case DepacketizeStatus.Dropped:
                Assert.NotEqual(DropReason.None, Depacketizer.LastDropReason);
                Assert.Equal(0, unit.Length);
                Assert.False(Depacketizer.TryTakeNext(out _));
                break;
            default:
                Assert.Equal(DropReason.None, Depacketizer.LastDropReason);
                Assert.Equal(0, unit.Length);
                Assert.False(Depacketizer.TryTakeNext(out _));
                break;
        }

        UnitsPerPacket.Add(count);
        return status;
    }

    private void Take(AccessUnit unit)
    {
        using (unit)
        {
            Assert.True(unit.IsKeyframe, "every audio unit is a sync sample");
            Assert.True(unit.Duration > 0, "audio units carry their duration");
            Assert.Equal(unit.Timestamp, unit.DecodeTimestamp);
            Units.Add(new AudioUnit(unit.Data.ToArray(), unit.Timestamp, unit.Duration, unit.ConfigChanged));
        }
    }

    public void Dispose() => Depacketizer.Dispose();
}
