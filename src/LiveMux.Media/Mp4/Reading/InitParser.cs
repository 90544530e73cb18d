using System.Buffers.Binary;
using System.Text;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// Reads the tracks of a moov (ISO/IEC 14496-12 8.2-8.8.3):
/// <code>
/// moov
///   trak  tkhd(track_ID)  mdia { mdhd(timescale)  hdlr(vide|soun)  minf { stbl { stsd { entry } } } }
///   mvex  trex(track_ID, default duration/size/flags)
/// </code>
/// The first sample entry of each track is passed through whole as <see cref="TrackConfig.SampleEntry"/>;
/// the codec string comes from its configuration box (avcC, hvcC, esds) or its type (Opus, fLaC), and the typed
/// RTP format from the same boxes (<see cref="SampleEntryFormats"/>).
/// </summary>
internal static class InitParser
{

    public static Fmp4ErrorKind TryParse(ReadOnlySpan<byte> moov, int maxTracks, out Fmp4Track[] tracks, out string error)
    {
        tracks = [];
        error = "";
        var list = new List<Fmp4Track>();
        var defaults = new Dictionary<uint, (uint Duration, uint Size, uint Flags)>();
        var cursor = new BoxCursor(moov);
        while (cursor.Next(out var type, out var payload))
        {
            if (type == FourCc.Mvex)
            {
                var mvex = new BoxCursor(payload);
                while (mvex.Next(out var t, out var trex))
                {
                    // full box header, track_ID, default_sample_description_index, duration, size, flags
                    if (t == FourCc.Trex && trex.Length >= 24)
                    {
                        defaults[Be32(trex, 4)] = (Be32(trex, 12), Be32(trex, 16), Be32(trex, 20));
                    }
                }

                continue;
            }

            if (type != FourCc.Trak)
            {
                continue;
            }

            if (list.Count == maxTracks)
            {
                error = $"more than {maxTracks} tracks";
                return Fmp4ErrorKind.TooManyTracks;
            }

            if (!TryParseTrak(payload, out var track, out error))
            {
                return Fmp4ErrorKind.Malformed;
            }

            list.Add(track);
        }

        if (cursor.Malformed)
        {
            error = "a box inside moov overruns it";
            return Fmp4ErrorKind.Malformed;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (defaults.TryGetValue(list[i].TrackId, out var d))
            {
                list[i] = list[i] with { DefaultDuration = d.Duration, DefaultSize = d.Size, DefaultFlags = d.Flags };
            }
        }

        tracks = [.. list];
        return Fmp4ErrorKind.None;
    }

    private static bool TryParseTrak(ReadOnlySpan<byte> trak, out Fmp4Track track, out string error)
    {
        track = null!;
        if (!BoxCursor.TryFind(trak, FourCc.Tkhd, out var tkhd) || tkhd.Length < 24)
        {
            error = "trak without a valid tkhd";
            return false;
        }

        // version 1 has 64-bit creation and modification times before track_ID.
        var trackId = Be32(tkhd, tkhd[0] == 1 ? 20 : 12);
        if (!BoxCursor.TryFind(trak, FourCc.Mdia, out var mdia)
            || !BoxCursor.TryFind(mdia, FourCc.Mdhd, out var mdhd) || mdhd.Length < 24
            || !BoxCursor.TryFind(mdia, FourCc.Hdlr, out var hdlr) || hdlr.Length < 12
            || !BoxCursor.TryFind(mdia, FourCc.Minf, out var minf)
            || !BoxCursor.TryFind(minf, FourCc.Stbl, out var stbl)
            || !BoxCursor.TryFind(stbl, FourCc.Stsd, out var stsd) || stsd.Length < 8 + 8)
        {
            error = $"track {trackId}: mdia, mdhd, hdlr or stsd missing or short";
            return false;
        }

        var timescale = Be32(mdhd, mdhd[0] == 1 ? 20 : 12);
        var handler = Be32(hdlr, 8);
        var entryBox = stsd[8..];
        var entrySize = Be32(entryBox, 0);
        if (entrySize < 8 || entrySize > entryBox.Length || timescale == 0 || timescale > int.MaxValue)
        {
            error = $"track {trackId}: bad sample entry or timescale";
            return false;
        }

        var entry = entryBox[..(int)entrySize];
        var fourCc = FourCcText(Be32(entry, 4));
        error = "";
        track = new Fmp4Track { TrackId = trackId, SampleEntryType = fourCc };
        var kind = handler switch
        {
            FourCc.Vide => TrackKind.Video,
            FourCc.Soun => TrackKind.Audio,
            _ => (TrackKind?)null,
        };
        track = track with { Kind = kind };
        if (kind is null)
        {
            track = track with { Unsupported = $"track {trackId} is neither video nor audio" };
            return true;
        }

        var config = kind == TrackKind.Video
            ? SampleEntryCodecs.Video(entry, (int)timescale, out var reason)
            : SampleEntryCodecs.Audio(entry, (int)timescale, out reason);
        if (config is null)
        {
            track = track with { Unsupported = reason };
            return true;
        }

        var format = SampleEntryFormats.From(entry, kind.Value, out var noFormat);
        track = track with { Config = config, Format = format, FormatUnsupported = format is null ? noFormat : null };
        return true;
    }

    internal static uint Be32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);

    internal static string FourCcText(uint type)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, type);
        foreach (ref var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                b = (byte)'?';
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }
}
