using LiveMux.Media.Mp4;

namespace LiveMux.Media.Codecs.Aac;

/// <summary>
/// The mp4a sample entry (ISO/IEC 14496-14 5.6) with its esds box: an ES_Descriptor (14496-1 7.2.6.5) holding
/// the DecoderConfigDescriptor (7.2.6.6) whose DecoderSpecificInfo is the AudioSpecificConfig.
/// <code>
/// esds (full box v0)
///   03 len  ES_ID(2)=0  flags(1)=0
///     04 len  objectTypeIndication=0x40 (MPEG-4 audio)  streamType 5 &lt;&lt; 2 | 1  bufferSizeDB(3)  maxBitrate(4)  avgBitrate(4)
///       05 len  AudioSpecificConfig
///     06 01 02  SLConfigDescriptor, predefined = 2 (MP4)
/// </code>
/// Descriptor lengths use the one-byte form, so the config is limited to what keeps every length under 128.
/// </summary>
public static class Mp4aSampleEntry
{
    private const uint Mp4a = 0x6D703461;
    private const uint Esds = 0x65736473;

    /// <summary>Longest AudioSpecificConfig the one-byte descriptor lengths can carry.</summary>
    public const int MaxConfigBytes = 100;

    public static byte[] Build(ReadOnlySpan<byte> audioSpecificConfig, int channels, int sampleRate)
    {
        var esds = BuildEsds(audioSpecificConfig);
        return AudioSampleEntry.Build(Mp4a, channels, sampleRate, esds);
    }

    public static byte[] BuildEsds(ReadOnlySpan<byte> audioSpecificConfig)
    {
        if (audioSpecificConfig.Length > MaxConfigBytes)
        {
            throw new ArgumentException($"AudioSpecificConfig over {MaxConfigBytes} bytes", nameof(audioSpecificConfig));
        }

        var asc = audioSpecificConfig.Length;
        var decoderConfigLength = 13 + 2 + asc;
        var esLength = 3 + 2 + decoderConfigLength + 3;
        var buffer = new byte[12 + 2 + esLength];
        var w = new BoxWriter(buffer);
        var box = w.BeginFull(Esds, 0, 0);
        w.U8(0x03);
        w.U8((byte)esLength);
        w.U16(0); // ES_ID: 0 in MP4 files, the track ID identifies the stream
        w.U8(0); // no dependsOn, URL or OCR stream
        w.U8(0x04);
        w.U8((byte)decoderConfigLength);
        w.U8(0x40);
        w.U8((5 << 2) | 1); // audio stream, upstream 0, reserved 1
        w.U8(0);
        w.U16(0); // bufferSizeDB: unknown
        w.U32(0); // maxBitrate: unknown
        w.U32(0); // avgBitrate: variable
        w.U8(0x05);
        w.U8((byte)asc);
        w.Bytes(audioSpecificConfig);
        w.U8(0x06);
        w.U8(1);
        w.U8(2);
        w.End(box);
        return buffer;
    }

    /// <summary>
    /// Reads an esds payload (after its box header) as any muxer writes it: the DecoderConfigDescriptor's
    /// objectTypeIndication and its DecoderSpecificInfo (empty when there is none). Descriptor sizes may take the
    /// 1-4 byte forms; false when a descriptor is missing or overruns its parent.
    /// </summary>
    public static bool TryReadEsds(ReadOnlySpan<byte> esds, out byte objectType, out ReadOnlySpan<byte> decoderSpecificInfo)
    {
        objectType = 0;
        decoderSpecificInfo = default;
        if (esds.Length < 4)
        {
            return false;
        }

        var d = esds[4..];
        if (!TryDescriptor(ref d, 3, out var es) || es.Length < 3)
        {
            return false;
        }

        // ES_ID(2), then flags: streamDependence (ES_ID follows), URL (length and text follow), OCRstream (ES_ID follows).
        var flags = es[2];
        var skip = 3 + ((flags & 0x80) != 0 ? 2 : 0) + ((flags & 0x20) != 0 ? 2 : 0);
        if ((flags & 0x40) != 0)
        {
            skip += es.Length > skip ? 1 + es[skip] : es.Length;
        }

        if (skip > es.Length)
        {
            return false;
        }

        es = es[skip..];
        if (!TryDescriptor(ref es, 4, out var config) || config.Length < 13)
        {
            return false;
        }

        objectType = config[0];
        var rest = config[13..];
        if (TryDescriptor(ref rest, 5, out var info))
        {
            decoderSpecificInfo = info;
        }

        return true;
    }

    /// <summary>A descriptor of <paramref name="tag"/> at the start of <paramref name="data"/>: tag, then a size of up to 4 x 7 bits.</summary>
    private static bool TryDescriptor(scoped ref ReadOnlySpan<byte> data, byte tag, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (data.Length < 2 || data[0] != tag)
        {
            return false;
        }

        var size = 0;
        var i = 1;
        for (; i < 5 && i < data.Length; i++)
        {
            size = (size << 7) | (data[i] & 0x7F);
            if ((data[i] & 0x80) == 0)
            {
                break;
            }
        }

        i++;
        if (i > data.Length || size > data.Length - i)
        {
            return false;
        }

        body = data.Slice(i, size);
        data = data[(i + size)..];
        return true;
    }
}
