using LiveMux.Media.Mp4;

namespace LiveMux.Media.Codecs.Flac;

/// <summary>
/// The fLaC sample entry with its FLACSpecificBox, from "Encapsulation of FLAC in ISO Base Media File Format"
/// section 3.3.2, holding one STREAMINFO block (RFC 9639 section 8.2):
/// <code>
/// dfLa (full box v0):  [last=1 | type 0 (7)] [length 34 (24)]
///   min blocksize(16) max blocksize(16) min framesize(24)=0 max framesize(24)=0
///   sample rate(20) channels-1(3) bits per sample-1(5) total samples(36)=0 (live) MD5(128)=0 (unknown)
/// </code>
/// </summary>
public static class FlacSampleEntry
{
    private const uint FLaC = 0x664C6143;
    private const uint DfLa = 0x64664C61;

    /// <summary>The smallest block size STREAMINFO may state (section 8.2).</summary>
    public const int MinBlockSize = 16;

    public static byte[] Build(int channels, int sampleRate, int maxBlockSize) =>
        AudioSampleEntry.Build(FLaC, channels, sampleRate, BuildDfLa(channels, sampleRate, maxBlockSize));

    public static byte[] BuildDfLa(int channels, int sampleRate, int maxBlockSize)
    {
        var buffer = new byte[12 + 4 + 34];
        var w = new BoxWriter(buffer);
        var box = w.BeginFull(DfLa, 0, 0);
        w.U32(0x80000000 | 34);
        w.U16(MinBlockSize);
        w.U16((ushort)Math.Max(MinBlockSize, maxBlockSize));
        w.Zeros(6);
        // sample rate(20) | channels-1(3) | bps-1(5) | total samples high 4 bits, then the low 32 bits.
        w.U32(((uint)sampleRate << 12) | ((uint)(channels - 1) << 9) | (15u << 4));
        w.U32(0);
        w.Zeros(16);
        w.End(box);
        return buffer;
    }
}
