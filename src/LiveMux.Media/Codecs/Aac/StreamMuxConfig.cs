using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.Aac;

/// <summary>
/// ISO/IEC 14496-3 1.7.3.1 StreamMuxConfig, as RFC 6416 (MP4A-LATM) carries it hex-coded in config= when
/// cpresent=0. Only the layout cameras and encoders use is accepted: audioMuxVersion 0, one program with one
/// layer, all streams on the same time framing, and frameLengthType 0 (AU lengths in PayloadLengthInfo).
/// <code>
/// audioMuxVersion(1)=0 allStreamsSameTimeFraming(1)=1 numSubFrames(6) numProgram(4)=0 numLayer(3)=0
/// AudioSpecificConfig (bit-aligned, inline)  frameLengthType(3)=0 latmBufferFullness(8)
/// otherDataPresent(1) [otherDataLenBits] crcCheckPresent(1) [crcCheckSum(8)]
/// </code>
/// GStreamer's rtpmp4apay cuts the config short after frameLengthType; what follows is not needed, so a
/// config that ends there is accepted.
/// </summary>
public sealed record StreamMuxConfig
{
    public required AudioSpecificConfig Config { get; init; }

    /// <summary>The AudioSpecificConfig's own bits, byte-aligned and zero-padded, for the esds.</summary>
    public required byte[] ConfigBytes { get; init; }

    /// <summary>AUs (PayloadMux entries) in each AudioMuxElement: numSubFrames + 1.</summary>
    public required int SubFrames { get; init; }

    public static bool TryParse(ReadOnlySpan<byte> data, out StreamMuxConfig config, out string? error)
    {
        config = null!;
        var r = new BitReader(data);
        if (r.ReadBit())
        {
            error = "audioMuxVersion 1 is not supported";
            return false;
        }

        var sameFraming = r.ReadBit();
        var subFrames = (int)r.ReadBits(6) + 1;
        var programs = (int)r.ReadBits(4) + 1;
        var layers = (int)r.ReadBits(3) + 1;
        if (r.Overrun)
        {
            error = "StreamMuxConfig is truncated";
            return false;
        }

        if (!sameFraming || programs != 1 || layers != 1)
        {
            error = "only one program and layer on the same time framing is supported";
            return false;
        }

        var ascStart = (data.Length * 8) - r.BitsLeft;
        if (!AudioSpecificConfig.TryRead(ref r, out var asc, out error))
        {
            return false;
        }

        if (asc.ChannelConfiguration == 0)
        {
            error = "a program config element inside StreamMuxConfig is not supported";
            return false;
        }

        var ascEnd = (data.Length * 8) - r.BitsLeft;
        var frameLengthType = r.ReadBits(3);
        if (r.Overrun || frameLengthType != 0)
        {
            error = r.Overrun ? "StreamMuxConfig is truncated" : $"frameLengthType {frameLengthType} is not supported";
            return false;
        }

        config = new StreamMuxConfig { Config = asc, ConfigBytes = CopyBits(data, ascStart, ascEnd - ascStart), SubFrames = subFrames };
        error = null;
        return true;
    }

    private static byte[] CopyBits(ReadOnlySpan<byte> data, int start, int count)
    {
        var r = new BitReader(data);
        r.Skip(start);
        var bytes = new byte[(count + 7) / 8];
        for (var i = 0; i < count; i++)
        {
            if (r.ReadBit())
            {
                bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }

        return bytes;
    }
}
