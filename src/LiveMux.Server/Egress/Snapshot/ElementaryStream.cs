using System.Buffers;
using System.Buffers.Binary;
using LiveMux.Media.Mp4;

namespace LiveMux.Server.Egress.Snapshot;

/// <summary>
/// A video track as an Annex-B elementary stream (ITU-T H.264 / H.265 Annex B), ffmpeg's simplest input: the
/// parameter sets of the track's sample entry, then each sample's NAL units with start codes instead of their
/// 4-byte lengths.
/// <code>
/// sample entry: header(8) visual fields(78) | avcC: 1 profile compat level ff|len-1 e0|nSPS {u16 len, SPS} nPPS {u16 len, PPS}
///                                           | hvcC: 22 bytes ... numArrays {type u16 count {u16 len, NAL}}
/// sample:       {u32 len, NAL} ...   ->   00 00 00 01 NAL ...
/// </code>
/// </summary>
internal sealed class ElementaryStream
{
    private const int VisualFields = 8 + 78;
    private const int HvcCHeader = 22;
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    private readonly ArrayBufferWriter<byte> _bytes = new(64 * 1024);

    private ElementaryStream(string ffmpegFormat) => FfmpegFormat = ffmpegFormat;

    /// <summary>ffmpeg's demuxer for it: <c>h264</c> or <c>hevc</c>.</summary>
    public string FfmpegFormat { get; }

    public int Frames { get; private set; }

    public int Length => _bytes.WrittenCount;

    /// <summary>The stream for <paramref name="track"/>, or null with the reason when its codec is not H.264 or H.265.</summary>
    public static ElementaryStream? For(TrackConfig track, out string reason)
    {
        reason = "";
        var entry = track.SampleEntry.AsSpan();
        var type = entry.Length >= 8 ? System.Text.Encoding.ASCII.GetString(entry[4..8]) : "";
        var (format, config) = type switch
        {
            "avc1" or "avc3" => ("h264", "avcC"),
            "hvc1" or "hev1" => ("hevc", "hvcC"),
            _ => ("", ""),
        };

        if (format.Length == 0)
        {
            reason = $"snapshots decode H.264 and H.265; this stream's video is {track.Codec}";
            return null;
        }

        var stream = new ElementaryStream(format);
        if (entry.Length > VisualFields && TryFindBox(entry[VisualFields..], config, out var record))
        {
            if (format == "h264")
            {
                stream.WriteAvcParameterSets(record);
            }
            else
            {
                stream.WriteHevcParameterSets(record);
            }
        }

        // Without a record (avc3, hev1) the parameter sets are in the samples.
        return stream;
    }

    /// <summary>Appends one sample; NAL units whose lengths overrun the sample end it.</summary>
    public void Append(ReadOnlySpan<byte> sample)
    {
        var at = 0;
        while (at + 4 <= sample.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(sample[at..]);
            at += 4;
            if (length == 0 || length > (uint)(sample.Length - at))
            {
                break;
            }

            _bytes.Write(StartCode);
            _bytes.Write(sample.Slice(at, (int)length));
            at += (int)length;
        }

        Frames++;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes.WrittenMemory;

    private void WriteAvcParameterSets(ReadOnlySpan<byte> record)
    {
        if (record.Length < 6)
        {
            return;
        }

        var at = 5;
        var sps = record[at++] & 0x1F;
        if (!WriteSets(record, ref at, sps) || at >= record.Length)
        {
            return;
        }

        var pps = record[at++];
        WriteSets(record, ref at, pps);
    }

    private void WriteHevcParameterSets(ReadOnlySpan<byte> record)
    {
        if (record.Length <= HvcCHeader)
        {
            return;
        }

        var at = HvcCHeader;
        var arrays = record[at++];
        for (var a = 0; a < arrays && at + 3 <= record.Length; a++)
        {
            var count = BinaryPrimitives.ReadUInt16BigEndian(record[(at + 1)..]);
            at += 3;
            if (!WriteSets(record, ref at, count))
            {
                return;
            }
        }
    }

    private bool WriteSets(ReadOnlySpan<byte> record, ref int at, int count)
    {
        for (var n = 0; n < count; n++)
        {
            if (at + 2 > record.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(record[at..]);
            at += 2;
            if (length > record.Length - at)
            {
                return false;
            }

            _bytes.Write(StartCode);
            _bytes.Write(record.Slice(at, length));
            at += length;
        }

        return true;
    }

    private static bool TryFindBox(ReadOnlySpan<byte> boxes, string type, out ReadOnlySpan<byte> payload)
    {
        while (boxes.Length >= 8)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(boxes);
            if (size < 8 || size > (uint)boxes.Length)
            {
                break;
            }

            if (boxes[4] == type[0] && boxes[5] == type[1] && boxes[6] == type[2] && boxes[7] == type[3])
            {
                payload = boxes[8..(int)size];
                return true;
            }

            boxes = boxes[(int)size..];
        }

        payload = default;
        return false;
    }
}
