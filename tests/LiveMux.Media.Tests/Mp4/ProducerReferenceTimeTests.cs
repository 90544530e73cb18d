using LiveMux.Media.Mp4;

namespace LiveMux.Media.Tests.Mp4;

public sealed class ProducerReferenceTimeTests
{
    // Wall-clock time -> NTP timestamp (RFC 5905 6), worked out by hand: 2208988800 s from 1900 to 1970.
    public static TheoryData<string, ulong> NtpTimes => new()
    {
        { "1970-01-01T00:00:00.0000000Z", 2_208_988_800UL << 32 },
        { "1970-01-01T00:00:00.5000000Z", (2_208_988_800UL << 32) | 0x80000000 },
        { "2026-11-24T12:00:00.2500000Z", ((2_208_988_800UL + 1_795_521_600) << 32) | 0x40000000 },
        { "2036-02-07T06:28:15.0000000Z", 0xFFFFFFFFUL << 32 }, // the last second of NTP era 0
    };

    [Theory]
    [MemberData(nameof(NtpTimes))]
    public void Converts_wall_clock_time_to_ntp_and_back(string utc, ulong ntp)
    {
        var time = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ntp, ProducerReferenceTime.ToNtp(time));
        Assert.Equal(time, ProducerReferenceTime.FromNtp(ntp));
    }

    [Fact]
    public void Keeps_100_ns_precision_through_a_round_trip()
    {
        var time = new DateTimeOffset(2026, 11, 24, 12, 30, 1, TimeSpan.Zero).AddTicks(1_234_567);
        Assert.Equal(time, ProducerReferenceTime.FromNtp(ProducerReferenceTime.ToNtp(time)));
    }

    [Fact]
    public void Times_before_1970_clamp_to_the_unix_epoch()
    {
        Assert.Equal(2_208_988_800UL << 32, ProducerReferenceTime.ToNtp(DateTimeOffset.UnixEpoch.AddDays(-1)));
    }

    [Theory]
    [InlineData(1u, 0UL, 0UL, "00000020 70726674 01000000 00000001 0000000000000000 0000000000000000")]
    [InlineData(2u, 0xE8D1A2B3_80000000UL, 0x1_0000_0000UL, "00000020 70726674 01000000 00000002 E8D1A2B380000000 0000000100000000")]
    public void Writes_a_version_1_box_of_32_bytes(uint track, ulong ntp, ulong mediaTime, string golden)
    {
        var buffer = new byte[40];
        buffer.AsSpan().Fill(0xCC);
        ProducerReferenceTime.Write(buffer, track, ntp, mediaTime);
        Assert.Equal(golden.Replace(" ", ""), Convert.ToHexString(buffer, 0, ProducerReferenceTime.Size));
        Assert.Equal(0xCC, buffer[ProducerReferenceTime.Size]);
    }
}
