using LiveMux.Media.Codecs.G711;

namespace LiveMux.Media.Tests.Codecs.G711Tests;

/// <summary>Known points of the G.711 tables; every code is also checked against ffmpeg in AudioFfmpegAcceptsOutputTests.</summary>
public sealed class G711Tests
{
    [Theory]
    [InlineData(0xD5, 8)]        // smallest positive step (0x80 ^ 0x55)
    [InlineData(0x55, -8)]
    [InlineData(0xD4, 24)]
    [InlineData(0xAA, 32256)]    // largest magnitude
    [InlineData(0x2A, -32256)]
    [InlineData(0x80, 5504)]     // segment 5, quantum 5: (80 + 264) << 4
    [InlineData(0xC5, 264)]      // segment 1, quantum 0: 0x108
    public void ALaw(byte code, short expected) => Assert.Equal(expected, LiveMux.Media.Codecs.G711.G711.DecodeALaw(code));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]        // negative zero
    [InlineData(0xFE, 8)]
    [InlineData(0x7E, -8)]
    [InlineData(0x80, 32124)]    // largest magnitude
    [InlineData(0x00, -32124)]
    [InlineData(0xEF, 132)]      // segment 1, quantum 0: (0x84 << 1) - 0x84
    public void MuLaw(byte code, short expected) => Assert.Equal(expected, LiveMux.Media.Codecs.G711.G711.DecodeMuLaw(code));

    [Fact]
    public void Tables_are_odd_symmetric_and_monotonic_within_a_sign()
    {
        for (var code = 0; code < 128; code++)
        {
            Assert.Equal(-LiveMux.Media.Codecs.G711.G711.DecodeALaw((byte)(code | 0x80)), LiveMux.Media.Codecs.G711.G711.DecodeALaw((byte)code));
            Assert.Equal(-LiveMux.Media.Codecs.G711.G711.DecodeMuLaw((byte)code), LiveMux.Media.Codecs.G711.G711.DecodeMuLaw((byte)(code | 0x80)));
        }

        // µ-law codes 0x80..0xFF run from the largest positive value down to zero.
        var mu = Enumerable.Range(0x80, 128).Select(c => LiveMux.Media.Codecs.G711.G711.DecodeMuLaw((byte)c)).ToArray();
        Assert.Equal(mu.OrderByDescending(v => v), mu);
        // A-law magnitudes grow with (code ^ 0x55) & 0x7F.
        var a = Enumerable.Range(0, 128).Select(m => LiveMux.Media.Codecs.G711.G711.DecodeALaw((byte)((m | 0x80) ^ 0x55))).ToArray();
        Assert.Equal(a.Order(), a);
    }

    [Fact]
    public void Decode_expands_a_buffer()
    {
        var pcm = new short[3];
        LiveMux.Media.Codecs.G711.G711.Decode([0xD5, 0xAA, 0x55], pcm, aLaw: true);
        Assert.Equal([8, 32256, -8], pcm);
    }
}
