using System.Buffers.Binary;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Formats;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// One frame of the demo clip without AUD, SPS or PPS (the format carries those): <see cref="Data"/> is the
/// access unit as a depacketizer hands one out and a packetizer takes it (NAL units with 4-byte length
/// prefixes); <see cref="NalUnits"/> are views of its NAL units.
/// </summary>
internal sealed record DemoAccessUnit(ReadOnlyMemory<byte> Data, IReadOnlyList<ReadOnlyMemory<byte>> NalUnits, bool IsIdr);

/// <summary>The parsed demo clip: frames in decode order, and the one SPS/PPS pair they use.</summary>
internal sealed record DemoClipContent(IReadOnlyList<DemoAccessUnit> AccessUnits, ReadOnlyMemory<byte> Sps, ReadOnlyMemory<byte> Pps)
{
    /// <summary>The clip's typed format: H.264 with its SPS/PPS, which give the SDP and the packetizer.</summary>
    public H264Format Format(int payloadType) => new(payloadType, Sps.ToArray(), Pps.ToArray());
}

/// <summary>
/// The H.264 clip embedded in this assembly (see README.md beside it), parsed once. The clip has no
/// B-frames, so frames are sent in file order with timestamps <see cref="TicksPerFrame"/> apart.
/// </summary>
internal static class DemoClip
{
    public const string ResourceName = "LiveMux.Hub.Sources.Demo.demo.h264";
    public const int FrameRate = 30;
    public const int ClockRate = 90_000;
    public const uint TicksPerFrame = ClockRate / FrameRate;

    private const int NalSlice = 1;
    private const int NalIdr = 5;
    private const int NalSei = 6;
    private const int NalSps = 7;
    private const int NalPps = 8;
    private const int NalAud = 9;

    private static readonly Lazy<DemoClipContent> Content = new(Load);

    public static IReadOnlyList<DemoAccessUnit> AccessUnits => Content.Value.AccessUnits;
    public static ReadOnlyMemory<byte> Sps => Content.Value.Sps;
    public static ReadOnlyMemory<byte> Pps => Content.Value.Pps;
    public static DemoClipContent Instance => Content.Value;

    /// <summary>
    /// Splits an Annex B stream into access units (H.264 7.4.1.2.3: an AUD, SPS, PPS or SEI after a slice,
    /// or a slice with first_mb_in_slice = 0, starts a new one). Throws on a clip the server cannot loop.
    /// </summary>
    public static DemoClipContent Parse(ReadOnlyMemory<byte> annexB)
    {
        var units = new List<DemoAccessUnit>();
        var current = new List<ReadOnlyMemory<byte>>();
        bool currentHasSlice = false;
        bool currentIsIdr = false;
        ReadOnlyMemory<byte> sps = default;
        ReadOnlyMemory<byte> pps = default;

        void Flush()
        {
            if (currentHasSlice)
            {
                units.Add(LengthPrefixed(current, currentIsIdr));
            }
            else if (current.Count > 0)
            {
                throw new InvalidDataException($"Demo clip: access unit {units.Count} has no slice.");
            }

            current.Clear();
            currentHasSlice = false;
            currentIsIdr = false;
        }

        var e = AnnexB.EnumerateNalUnits(annexB.Span);
        while (e.MoveNext())
        {
            ReadOnlyMemory<byte> nal = annexB[e.CurrentRange];
            int type = nal.Span[0] & 0x1F;
            bool isSlice = type is >= NalSlice and <= NalIdr;
            bool firstSliceOfPicture = isSlice && nal.Length > 1 && (nal.Span[1] & 0x80) != 0; // ue(v) 0 = '1'
            if (currentHasSlice && (type is NalAud or NalSps or NalPps or NalSei || firstSliceOfPicture))
            {
                Flush();
            }

            switch (type)
            {
                case NalAud:
                    break;
                case NalSps:
                    sps = CheckSame(sps, nal, "SPS");
                    break;
                case NalPps:
                    pps = CheckSame(pps, nal, "PPS");
                    break;
                default:
                    current.Add(nal);
                    currentHasSlice |= isSlice;
                    currentIsIdr |= type == NalIdr;
                    break;
            }
        }

        Flush();
        if (sps.Length < 4 || pps.IsEmpty)
        {
            throw new InvalidDataException("Demo clip: no SPS or PPS.");
        }

        if (units.Count == 0 || !units[0].IsIdr)
        {
            throw new InvalidDataException("Demo clip: the first frame must be an IDR.");
        }

        return new DemoClipContent(units, sps, pps);
    }

    private static DemoAccessUnit LengthPrefixed(List<ReadOnlyMemory<byte>> nalUnits, bool isIdr)
    {
        var data = new byte[nalUnits.Sum(n => 4 + n.Length)];
        var views = new ReadOnlyMemory<byte>[nalUnits.Count];
        var offset = 0;
        for (var i = 0; i < nalUnits.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(offset), nalUnits[i].Length);
            nalUnits[i].Span.CopyTo(data.AsSpan(offset + 4));
            views[i] = data.AsMemory(offset + 4, nalUnits[i].Length);
            offset += 4 + nalUnits[i].Length;
        }

        return new DemoAccessUnit(data, views, isIdr);
    }

    private static ReadOnlyMemory<byte> CheckSame(ReadOnlyMemory<byte> known, ReadOnlyMemory<byte> found, string what)
    {
        // One SDP announces one SPS/PPS pair, so the clip must not change it mid-stream.
        if (!known.IsEmpty && !known.Span.SequenceEqual(found.Span))
        {
            throw new InvalidDataException($"Demo clip: the {what} changes mid-clip.");
        }

        return known.IsEmpty ? found : known;
    }

    private static DemoClipContent Load()
    {
        using Stream? stream = typeof(DemoClip).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes);
    }
}
