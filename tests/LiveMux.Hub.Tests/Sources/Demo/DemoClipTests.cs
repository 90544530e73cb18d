using LiveMux.Hub.Sources.Demo;

namespace LiveMux.Hub.Tests.Sources.Demo;

public sealed class DemoClipTests
{
    [Fact]
    public void The_embedded_clip_is_6_seconds_of_one_second_gops()
    {
        Assert.Equal(180, DemoClip.AccessUnits.Count);
        Assert.Equal(Enumerable.Range(0, 180).Where(i => i % 30 == 0),
            Enumerable.Range(0, 180).Where(i => DemoClip.AccessUnits[i].IsIdr));
        Assert.Equal(7, DemoClip.Sps.Span[0] & 0x1F);
        Assert.Equal(8, DemoClip.Pps.Span[0] & 0x1F);
        Assert.Contains("profile-level-id=4D401E;", DemoClip.Instance.Format(96).FormatParameters, StringComparison.Ordinal); // Main, level 3.0
        Assert.All(DemoClip.AccessUnits, au => Assert.DoesNotContain(au.NalUnits, n => (n.Span[0] & 0x1F) is 7 or 8 or 9));
        Assert.All(DemoClip.AccessUnits, au => Assert.Contains(au.NalUnits, n => (n.Span[0] & 0x1F) is 1 or 5));
    }

    // Annex B stream (hex) -> access units as NAL types ("5,1|1"), or the error.
    [Theory]
    [InlineData("00000001 0910 00000001 674D401E 00000001 68EE 00000001 6588 00000001 0930 00000001 419A", "5|1")]
    [InlineData("00000001 674D401E 00000001 68EE 00000001 06FF80 00000001 6588 00000001 419A 00000001 419B", "6,5|1|1")]
    [InlineData("00000001 674D401E 00000001 68EE 00000001 6588 00000001 6508", "5,5")]  // second slice, first_mb != 0
    [InlineData("00000001 674D401E 00000001 68EE 00000001 419A", "error")]               // no IDR first
    [InlineData("00000001 6588", "error")]                                               // no SPS/PPS
    [InlineData("00000001 674D401E 00000001 68EE 00000001 6588 00000001 674D4028", "error")] // SPS changes
    public void Parses_access_units(string stream, string expected)
    {
        byte[] bytes = Convert.FromHexString(stream.Replace(" ", ""));
        if (expected == "error")
        {
            Assert.Throws<InvalidDataException>(() => DemoClip.Parse(bytes));
            return;
        }

        DemoClipContent clip = DemoClip.Parse(bytes);
        Assert.Equal(expected, string.Join('|', clip.AccessUnits.Select(au => string.Join(',', au.NalUnits.Select(n => n.Span[0] & 0x1F)))));
        Assert.Equal(clip.AccessUnits.Select(au => au.NalUnits.Any(n => (n.Span[0] & 0x1F) == 5)), clip.AccessUnits.Select(au => au.IsIdr));
    }
}
