using LiveMux.Media.Mp4;

namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// The VPS, SPS and PPS a stream is using, from <c>sprop-vps/sps/pps</c> or in-band (the later one wins),
/// and the track configuration (codec string, size, hvc1 sample entry) they describe. Cameras repeat them
/// before every IRAP picture: an unchanged one costs a comparison, not a rebuild. Only parameter sets of the
/// base layer count; a camera sends one of each.
/// </summary>
public sealed class H265ParameterSets
{
    private byte[]? _vps;
    private byte[]? _sps;
    private byte[]? _pps;
    private bool _dirty;

    /// <summary>The configuration of the last complete, parseable set, or null before one arrived.</summary>
    public TrackConfig? Config { get; private set; }

    /// <summary>The parsed SPS behind <see cref="Config"/> (reorder depth, POC width), or null before one.</summary>
    public H265Sps? Sps { get; private set; }

    /// <summary>Notes a VPS, SPS or PPS NAL unit (header included); other types are ignored.</summary>
    public void Offer(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < H265NalUnit.HeaderSize || H265NalUnit.LayerIdOf(nal) != 0)
        {
            return;
        }

        switch (H265NalUnit.TypeOf(nal[0]))
        {
            case H265NalUnitType.Vps:
                Set(ref _vps, nal);
                break;
            case H265NalUnitType.Sps:
                Set(ref _sps, nal);
                break;
            case H265NalUnitType.Pps:
                Set(ref _pps, nal);
                break;
        }
    }

    /// <summary>Rebuilds the configuration if a parameter set changed; true when <see cref="Config"/> is new.</summary>
    public bool Refresh()
    {
        if (!_dirty || _vps is null || _sps is null || _pps is null)
        {
            return false;
        }

        _dirty = false;
        if (!H265Sps.TryParse(_sps, out var parsed, out _))
        {
            return false;
        }

        var hvcC = HevcConfigurationRecord.Build(_vps, _sps, _pps, parsed);
        var config = new TrackConfig
        {
            Kind = TrackKind.Video,
            Codec = parsed.CodecString,
            Timescale = 90000,
            Width = parsed.Width,
            Height = parsed.Height,
            FrameRate = parsed.FrameRate,
            SampleEntry = VisualSampleEntry.Build(FourCc.Hvc1, parsed.Width, parsed.Height, FourCc.HvcC, hvcC),
        };
        Sps = parsed;
        if (config.Equals(Config))
        {
            return false;
        }

        Config = config;
        return true;
    }

    private void Set(ref byte[]? current, ReadOnlySpan<byte> nal)
    {
        if (nal.Length > H265Sps.MaxNalBytes || (current is not null && nal.SequenceEqual(current)))
        {
            return;
        }

        current = nal.ToArray();
        _dirty = true;
    }
}
