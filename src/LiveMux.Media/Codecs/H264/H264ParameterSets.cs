using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// The SPS and PPS a stream is using, from <c>sprop-parameter-sets</c> or in-band (the later one wins),
/// and the track configuration (codec string, size, avc1 sample entry) they describe. Parameter sets are
/// repeated before every IDR by most cameras: an unchanged one costs a comparison, not a rebuild.
/// </summary>
public sealed class H264ParameterSets
{
    private byte[]? _sps;
    private byte[]? _pps;
    private bool _dirty;

    /// <summary>The configuration of the last complete, parseable pair, or null before one arrived.</summary>
    public TrackConfig? Config { get; private set; }

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

        var avcC = AvcConfigurationRecord.Build(_sps, _pps, parsed);
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
        return true;
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
