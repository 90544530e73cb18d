using LiveMux.Media.Mp4;
using Reading = LiveMux.Media.Mp4.Reading;

namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// The SPS and PPS a stream is using, from <c>sprop-parameter-sets</c> or in-band (the later one wins),
/// and the track configuration (codec string, size, avc1 sample entry) they describe. Parameter sets are
/// repeated before every IDR by most cameras: an unchanged one costs a comparison, not a rebuild.
/// An SPS that settles the reorder depth at 0 (baseline, pic_order_cnt_type 2) but lacks VUI
/// bitstream_restriction goes into the avcC with the restriction added (<see cref="SpsRewriter"/>), so
/// decoders output each frame at once. When the depth is unknown (main/high profile with POC type 0 or 1
/// and no restriction) the SPS is left alone: claiming 0 for a stream with B-frames would show frames
/// out of order, which is worse than the latency the decoder adds.
/// </summary>
public sealed class H264ParameterSets
{
    private readonly bool _addBitstreamRestriction;
    private byte[]? _sps;
    private byte[]? _pps;
    private bool _dirty;

    /// <param name="addBitstreamRestriction">Whether to rewrite an SPS that lacks bitstream_restriction when that is safe.</param>
    public H264ParameterSets(bool addBitstreamRestriction = true)
    {
        _addBitstreamRestriction = addBitstreamRestriction;
    }

    /// <summary>The configuration of the last complete, parseable pair, or null before one arrived.</summary>
    public TrackConfig? Config { get; private set; }

    /// <summary>The reorder depth the SPS of <see cref="Config"/> settles, or null when only the stream can tell.</summary>
    public int? ReorderDepth { get; private set; }

    /// <summary>Whether the avcC of <see cref="Config"/> carries an SPS with bitstream_restriction added.</summary>
    public bool SpsRewritten { get; private set; }

    /// <summary>
    /// What browsers get for an H.264 track that carries the camera's own SPS: the same track with
    /// bitstream_restriction added to the SPS in its avcC where that is safe (see the class comment), else the
    /// track unchanged. A browser choice, made by the MSE egress: RTSP clients and recorders want the camera's SPS.
    /// </summary>
    public static TrackConfig ForBrowsers(TrackConfig track)
    {
        // avc1 box: 8-byte header, 78 bytes of VisualSampleEntry fields, then its child boxes (avcC first).
        const int ChildrenAt = 8 + 78;
        if (track.Kind != TrackKind.Video || !track.Codec.StartsWith("avc1", StringComparison.Ordinal) || track.SampleEntry.Length <= ChildrenAt
            || !Reading.BoxCursor.TryFind(track.SampleEntry.AsSpan(ChildrenAt), FourCc.AvcC, out var avcC)
            || !AvcConfigurationRecord.TryReadFirst(avcC, out var sps, out var pps))
        {
            return track;
        }

        var sets = new H264ParameterSets(addBitstreamRestriction: true);
        sets.Offer(sps);
        sets.Offer(pps);
        return sets.Refresh() && sets.SpsRewritten ? sets.Config! with { FrameRate = track.FrameRate ?? sets.Config!.FrameRate } : track;
    }

    /// <summary>Notes an SPS or PPS NAL unit (header included); other types are ignored.</summary>
    public void Offer(ReadOnlySpan<byte> nal)
    {
        switch (NalUnit.TypeOf(nal[0]))
        {
            case NalUnitType.Sps:
                Set(ref _sps, nal);
                break;
            case NalUnitType.Pps:
                Set(ref _pps, nal);
                break;
        }
    }

    /// <summary>Rebuilds the configuration if a parameter set changed; true when <see cref="Config"/> is new.</summary>
    public bool Refresh()
    {
        if (!_dirty || _sps is null || _pps is null)
        {
            return false;
        }

        _dirty = false;
        if (!Sps.TryParse(_sps, out var parsed, out _))
        {
            return false;
        }

        var sps = (ReadOnlySpan<byte>)_sps;
        var rewritten = _addBitstreamRestriction ? WithBitstreamRestriction(_sps, parsed) : null;
        if (rewritten is not null)
        {
            sps = rewritten;
        }

        var avcC = AvcConfigurationRecord.Build(sps, _pps, parsed);
        var config = new TrackConfig
        {
            Kind = TrackKind.Video,
            Codec = parsed.CodecString,
            Timescale = 90000,
            Width = parsed.Width,
            Height = parsed.Height,
            FrameRate = parsed.FrameRate,
            SampleEntry = VisualSampleEntry.Build(FourCc.Avc1, parsed.Width, parsed.Height, FourCc.AvcC, avcC),
        };
        if (config.Equals(Config))
        {
            return false;
        }

        Config = config;
        ReorderDepth = parsed.ReorderDepth;
        SpsRewritten = rewritten is not null;
        return true;
    }

    /// <summary>The SPS with bitstream_restriction added when the depth is known to be 0 and it lacks one; else null.</summary>
    private static byte[]? WithBitstreamRestriction(byte[] sps, Sps parsed)
    {
        if (parsed.HasBitstreamRestriction || parsed.ReorderDepth != 0)
        {
            return null;
        }

        // Checked by reading it back: anything else the SPS says must come out unchanged.
        return SpsRewriter.AddBitstreamRestriction(sps, parsed, 0) is { } rewritten
            && Sps.TryParse(rewritten, out var check, out _)
            && check.MaxNumReorderFrames == 0
            && check with { HasVui = parsed.HasVui, HasBitstreamRestriction = false, MaxNumReorderFrames = null, BitstreamRestrictionFlagBit = parsed.BitstreamRestrictionFlagBit } == parsed
            ? rewritten
            : null;
    }

    private void Set(ref byte[]? current, ReadOnlySpan<byte> nal)
    {
        if (nal.Length > Sps.MaxNalBytes || (current is not null && nal.SequenceEqual(current)))
        {
            return;
        }

        current = nal.ToArray();
        _dirty = true;
    }
}
