namespace LiveMux.Media.Mp4;

/// <summary>
/// ISO/IEC 14496-12 12.2.3 AudioSampleEntry (version 0), closed by the codec's configuration box.
/// <code>
/// [size][format] reserved(6) data_reference_index(2)=1
/// reserved(8) channelcount(2) samplesize(2)=16 pre_defined(2) reserved(2) samplerate(4, 16.16)
/// [config box]
/// </code>
/// Rates of 65536 Hz and above do not fit 16.16; the field is then 0 and the decoder takes the rate from the
/// configuration box, which every codec here carries.
/// </summary>
public static class AudioSampleEntry
{
    public const int HeaderSize = 36;

    /// <summary>Builds the entry around a configuration box already written whole (header included).</summary>
    public static byte[] Build(uint format, int channels, int sampleRate, ReadOnlySpan<byte> configBox)
    {
        var buffer = new byte[HeaderSize + configBox.Length];
        var w = new BoxWriter(buffer);
        var entry = w.Begin(format);
        w.Zeros(6);
        w.U16(1); // data_reference_index
        w.Zeros(8);
        w.U16((ushort)channels);
        w.U16(16);
        w.U16(0);
        w.U16(0);
        w.U32(sampleRate is > 0 and < 65536 ? (uint)sampleRate << 16 : 0);
        w.Bytes(configBox);
        w.End(entry);
        return buffer;
    }
}
