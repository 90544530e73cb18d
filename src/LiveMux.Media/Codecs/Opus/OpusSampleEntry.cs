using System.Buffers.Binary;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Codecs.Opus;

/// <summary>
/// The Opus sample entry with its OpusSpecificBox, from "Encapsulation of Opus in ISO Base Media File Format"
/// (version 0.8.1) section 4.3.2:
/// <code>
/// dOps:  Version(1)=0  OutputChannelCount(1)  PreSkip(2)  InputSampleRate(4)  OutputGain(2, signed Q7.8)
///        ChannelMappingFamily(1)=0   (family 0: mono or stereo, no mapping table follows)
/// </code>
/// The entry's own samplerate field is 48000, the rate every Opus decoder outputs.
/// </summary>
public static class OpusSampleEntry
{
    private const uint Opus = 0x4F707573;
    private const uint DOps = 0x644F7073;

    /// <summary>libopus's encoder look-ahead at 48 kHz (6.5 ms), which its encoders signal as pre-skip.</summary>
    public const int DefaultPreSkip = 312;

    public static byte[] Build(int channels, int inputSampleRate, int preSkip = DefaultPreSkip) =>
        AudioSampleEntry.Build(Opus, channels, 48000, BuildDOps(channels, inputSampleRate, preSkip));

    public static byte[] BuildDOps(int channels, int inputSampleRate, int preSkip = DefaultPreSkip)
    {
        var buffer = new byte[8 + 11];
        var w = new BoxWriter(buffer);
        var box = w.Begin(DOps);
        w.U8(0);
        w.U8((byte)channels);
        w.U16((ushort)preSkip);
        w.U32((uint)inputSampleRate);
        w.U16(0);
        w.U8(0);
        w.End(box);
        return buffer;
    }

    /// <summary>
    /// Reads a dOps payload (after its box header): the output channel count, the input sample rate and the channel
    /// mapping family; false when it is shorter than its fixed fields or not version 0.
    /// </summary>
    public static bool TryReadDOps(ReadOnlySpan<byte> dOps, out int channels, out int inputSampleRate, out int mappingFamily)
    {
        channels = inputSampleRate = mappingFamily = 0;
        if (dOps.Length < 11 || dOps[0] != 0)
        {
            return false;
        }

        channels = dOps[1];
        inputSampleRate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(dOps[4..]));
        mappingFamily = dOps[10];
        return true;
    }
}
