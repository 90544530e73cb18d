using System.Buffers.Binary;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// Reads a moof's sample table (ISO/IEC 14496-12 8.8.4-8.8.12):
/// <code>
/// moof
///   mfhd
///   traf (one per track)
///     tfhd  flags: 0x01 base-data-offset (refused), 0x02 sd-index, 0x08 duration, 0x10 size, 0x20 flags, 0x020000 base-is-moof
///     tfdt  v0 u32 / v1 u64 baseMediaDecodeTime
///     trun  flags: 0x01 data-offset, 0x04 first-sample-flags; per sample 0x100 duration, 0x200 size, 0x400 flags, 0x800 cto
/// </code>
/// Sample offsets are made relative to the start of the moof, where the mdat that follows it is found.
/// Absolute base offsets (tfhd 0x01) mean nothing in a pipe and are refused.
/// </summary>
internal static class FragmentParser
{
    private const uint Traf = 0x74726166;
    private const uint Tfhd = 0x74666864;
    private const uint Tfdt = 0x74666474;
    private const uint Trun = 0x7472756E;

    internal readonly record struct PendingSample(int TrackIndex, long Offset, int Size, long DecodeTime, uint Duration, int CompositionOffset, bool IsSync);

    /// <summary>Parses <paramref name="moof"/>'s payload (offsets count from the moof's first byte) into <paramref name="samples"/>; <paramref name="nextDecodeTime"/> carries each track's time across fragments without tfdt.</summary>
    public static Fmp4ErrorKind TryParse(ReadOnlySpan<byte> moof, Fmp4Track[] tracks, long[] nextDecodeTime, int maxSamples, List<PendingSample> samples, out string error)
    {
        error = "";
        var cursor = new BoxCursor(moof);
        while (cursor.Next(out var type, out var traf))
        {
            if (type != Traf)
            {
                continue;
            }

            if (!BoxCursor.TryFind(traf, Tfhd, out var tfhd) || tfhd.Length < 8)
            {
                error = "traf without a valid tfhd";
                return Fmp4ErrorKind.Malformed;
            }

            var flags = Be32(tfhd, 0) & 0xFFFFFF;
            var trackId = Be32(tfhd, 4);
            var trackIndex = Array.FindIndex(tracks, t => t.TrackId == trackId);
            if (trackIndex < 0)
            {
                error = $"traf for unknown track {trackId}";
                return Fmp4ErrorKind.Malformed;
            }

            if ((flags & 0x01) != 0)
            {
                error = "tfhd base-data-offset (absolute file offsets) is not supported in a stream";
                return Fmp4ErrorKind.Unsupported;
            }

            var track = tracks[trackIndex];
            var (duration, size, sampleFlags) = (track.DefaultDuration, track.DefaultSize, track.DefaultFlags);
            var p = 8;
            if (!Optional(tfhd, ref p, flags, 0x02, out _)
                || !Optional(tfhd, ref p, flags, 0x08, out duration, duration)
                || !Optional(tfhd, ref p, flags, 0x10, out size, size)
                || !Optional(tfhd, ref p, flags, 0x20, out sampleFlags, sampleFlags))
            {
                error = "tfhd shorter than its flags say";
                return Fmp4ErrorKind.Malformed;
            }

            if (BoxCursor.TryFind(traf, Tfdt, out var tfdt))
            {
                var v1 = tfdt.Length >= 12 && tfdt[0] == 1;
                if (tfdt.Length < (v1 ? 12 : 8))
                {
                    error = "short tfdt";
                    return Fmp4ErrorKind.Malformed;
                }

                var time = v1 ? BinaryPrimitives.ReadUInt64BigEndian(tfdt[4..]) : Be32(tfdt, 4);
                if (time > long.MaxValue / 2)
                {
                    error = "tfdt out of range";
                    return Fmp4ErrorKind.Malformed;
                }

                nextDecodeTime[trackIndex] = (long)time;
            }

            // Without a data offset, a trun's data follows the previous one's; the first starts at the moof.
            long dataOffset = 0;
            var runs = new BoxCursor(traf);
            while (runs.Next(out var runType, out var trun))
            {
                if (runType != Trun)
                {
                    continue;
                }

                var result = ParseTrun(trun, trackIndex, duration, size, sampleFlags, ref dataOffset, ref nextDecodeTime[trackIndex], maxSamples, samples, out error);
                if (result != Fmp4ErrorKind.None)
                {
                    return result;
                }
            }

            if (runs.Malformed)
            {
                error = "a box inside traf overruns it";
                return Fmp4ErrorKind.Malformed;
            }
        }

        if (cursor.Malformed)
        {
            error = "a box inside moof overruns it";
            return Fmp4ErrorKind.Malformed;
        }

        return Fmp4ErrorKind.None;
    }

    private static Fmp4ErrorKind ParseTrun(
        ReadOnlySpan<byte> trun, int trackIndex, uint defaultDuration, uint defaultSize, uint defaultFlags,
        ref long dataOffset, ref long decodeTime, int maxSamples, List<PendingSample> samples, out string error)
    {
        error = "";
        if (trun.Length < 8)
        {
            error = "short trun";
            return Fmp4ErrorKind.Malformed;
        }

        var version = trun[0];
        var flags = Be32(trun, 0) & 0xFFFFFF;
        var count = Be32(trun, 4);
        var p = 8;
        if ((flags & 0x01) != 0)
        {
            if (trun.Length < p + 4)
            {
                error = "short trun";
                return Fmp4ErrorKind.Malformed;
            }

            dataOffset = BinaryPrimitives.ReadInt32BigEndian(trun[p..]);
            p += 4;
        }

        if (!Optional(trun, ref p, flags, 0x04, out var firstFlags, defaultFlags))
        {
            error = "short trun";
            return Fmp4ErrorKind.Malformed;
        }

        var perSample = 4 * (int)(((flags >> 8) & 1) + ((flags >> 9) & 1) + ((flags >> 10) & 1) + ((flags >> 11) & 1));
        if (count > (uint)(maxSamples - samples.Count))
        {
            error = $"more than {maxSamples} samples in one fragment";
            return Fmp4ErrorKind.TooManySamples;
        }

        if ((long)count * perSample > trun.Length - p)
        {
            error = "trun shorter than its sample count";
            return Fmp4ErrorKind.Malformed;
        }

        for (var i = 0; i < count; i++)
        {
            Optional(trun, ref p, flags, 0x100, out var duration, defaultDuration);
            Optional(trun, ref p, flags, 0x200, out var size, defaultSize);
            Optional(trun, ref p, flags, 0x400, out var sampleFlags, i == 0 && (flags & 0x04) != 0 ? firstFlags : defaultFlags);
            Optional(trun, ref p, flags, 0x800, out var cto, 0);
            if (size > int.MaxValue)
            {
                error = "sample size out of range";
                return Fmp4ErrorKind.Malformed;
            }

            // Version 0 offsets are unsigned, version 1 signed; ffmpeg writes either.
            var compositionOffset = version == 0 ? (int)Math.Min(cto, int.MaxValue) : unchecked((int)cto);
            var isSync = (sampleFlags & 0x00010000) == 0;
            samples.Add(new PendingSample(trackIndex, dataOffset, (int)size, decodeTime, duration, compositionOffset, isSync));
            dataOffset += size;
            decodeTime += duration;
        }

        return Fmp4ErrorKind.None;
    }

    private static bool Optional(ReadOnlySpan<byte> box, ref int position, uint flags, uint flag, out uint value, uint fallback = 0)
    {
        value = fallback;
        if ((flags & flag) == 0)
        {
            return true;
        }

        if (box.Length < position + 4)
        {
            return false;
        }

        value = Be32(box, position);
        position += 4;
        return true;
    }

    private static uint Be32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
}
