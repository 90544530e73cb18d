namespace LiveMux.Media.Mp4;

/// <summary>ISO/IEC 14496-12 12.1.3 VisualSampleEntry, closed by the codec's configuration box.</summary>
public static class VisualSampleEntry
{
    public static byte[] Build(uint format, int width, int height, uint configType, ReadOnlySpan<byte> config)
    {
        var buffer = new byte[86 + 8 + config.Length];
        var w = new BoxWriter(buffer);
        var entry = w.Begin(format);
        w.Zeros(6);
        w.U16(1); // data_reference_index
        w.Zeros(16); // pre_defined, reserved, pre_defined[3]
        w.U16((ushort)width);
        w.U16((ushort)height);
        w.U32(0x00480000); // 72 dpi
        w.U32(0x00480000);
        w.U32(0);
        w.U16(1); // frame_count
        w.Zeros(32); // compressorname
        w.U16(0x0018); // depth
        w.U16(0xFFFF); // pre_defined = -1
        var box = w.Begin(configType);
        w.Bytes(config);
        w.End(box);
        w.End(entry);
        return buffer;
    }
}
