using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.Aac;

/// <summary>
/// ISO/IEC 14496-3 1.6.2.1 AudioSpecificConfig, the bytes of the SDP's config= and of the esds
/// DecoderSpecificInfo. Only what the muxer needs is kept.
/// <code>
/// audioObjectType(5, 31 -> 32 + 6 more)  samplingFrequencyIndex(4, 15 -> 24-bit rate)  channelConfiguration(4)
/// if AOT is 5 (SBR) or 29 (PS):  extensionSamplingFrequencyIndex(4 [+24])  audioObjectType(5 [+6])
/// GASpecificConfig:  frameLengthFlag(1: 960 else 1024)  dependsOnCoreCoder(1 [+14])  extensionFlag(1)
/// backward-compatible SBR/PS:  syncExtensionType(11)=0x2B7  AOT(5)=5  sbrPresentFlag(1)  [rate index]
///                              [syncExtensionType(11)=0x548  psPresentFlag(1)]
/// </code>
/// </summary>
public sealed record AudioSpecificConfig
{
    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The object type signalled first: 2 for AAC-LC, 5 for explicit HE-AAC (SBR), 29 for HE-AACv2 (PS).</summary>
    public required int ObjectType { get; init; }

    /// <summary>The object type of the core coder (2 under explicit SBR/PS signalling).</summary>
    public required int CoreObjectType { get; init; }

    /// <summary>The core coder's sampling rate, which one AU's <see cref="FrameLength"/> samples are counted in.</summary>
    public required int SampleRate { get; init; }

    /// <summary>The output rate: twice the core rate with SBR, otherwise <see cref="SampleRate"/>.</summary>
    public required int OutputSampleRate { get; init; }

    /// <summary>0 means a program_config_element defines the channels; the SDP's count is used then.</summary>
    public required int ChannelConfiguration { get; init; }

    /// <summary>Samples per AU at the core rate: 1024, or 960 when frameLengthFlag is set.</summary>
    public required int FrameLength { get; init; }

    public bool Sbr { get; init; }

    public bool Ps { get; init; }

    /// <summary>Channel count from channelConfiguration (14496-3 table 1.19), or 0 when it is 0 or reserved.</summary>
    public int Channels => ChannelConfiguration switch
    {
        >= 1 and <= 6 => ChannelConfiguration,
        7 => 8,
        11 => 7,
        12 => 8,
        14 => 8,
        _ => 0,
    };

    /// <summary>RFC 6381 codec string: mp4a.40.&lt;first object type&gt;, as browsers expect for HE-AAC too.</summary>
    public string Codec => $"mp4a.40.{ObjectType}";

    public static bool TryParse(ReadOnlySpan<byte> data, out AudioSpecificConfig config, out string? error)
    {
        var r = new BitReader(data);
        return TryRead(ref r, out config, out error);
    }

    /// <summary>
    /// Reads a config in place, leaving <paramref name="r"/> after its last bit, as LATM's StreamMuxConfig
    /// needs. A program_config_element (channel configuration 0) is not walked, so the reader stops short then.
    /// </summary>
    internal static bool TryRead(ref BitReader r, out AudioSpecificConfig config, out string? error)
    {
        config = null!;
        var objectType = ReadObjectType(ref r);
        var sampleRate = ReadSampleRate(ref r);
        var channels = (int)r.ReadBits(4);
        if (r.Overrun)
        {
            error = "AudioSpecificConfig is truncated";
            return false;
        }

        if (objectType == 0 || sampleRate <= 0)
        {
            error = objectType == 0 ? "audio object type 0 is invalid" : "reserved sampling frequency index";
            return false;
        }

        var core = objectType;
        var outputRate = sampleRate;
        bool sbr = false, ps = false;
        if (objectType is 5 or 29)
        {
            sbr = true;
            ps = objectType == 29;
            outputRate = ReadSampleRate(ref r);
            core = ReadObjectType(ref r);
            if (core == 22)
            {
                r.Skip(4); // extensionChannelConfiguration
            }

            if (r.Overrun)
            {
                error = "AudioSpecificConfig is truncated";
                return false;
            }

            // Found by fuzzing: a reserved extension rate index (13, 14) or an explicit rate of 0 reached the
            // mp4a sample entry as its sample rate.
            if (outputRate <= 0)
            {
                error = "reserved extension sampling frequency index";
                return false;
            }
        }

        var frameLength = 1024;
        if (core is 1 or 2 or 3 or 4 or 6 or 7 or 17 or 19 or 20 or 21 or 22 or 23)
        {
            if (r.ReadBit())
            {
                frameLength = 960;
            }

            if (r.ReadBit())
            {
                r.Skip(14); // coreCoderDelay
            }

            var extensionFlag = r.ReadBit();
            if (channels == 0)
            {
                // A program_config_element follows; its channels come from the SDP instead, and nothing after
                // it is needed, so stop here.
                error = null;
                config = Make();
                return true;
            }

            if (core is 6 or 20)
            {
                r.Skip(3); // layerNr
            }

            if (extensionFlag)
            {
                if (core == 22)
                {
                    r.Skip(16); // numOfSubFrame(5), layer_length(11)
                }

                if (core is 17 or 19 or 20 or 23)
                {
                    r.Skip(3); // the three resilience flags
                }

                r.Skip(1); // extensionFlag3
            }
        }
        else if (core is not (5 or 29))
        {
            error = $"audio object type {core} is not an AAC type this muxer carries";
            return false;
        }

        if (r.Overrun)
        {
            error = "AudioSpecificConfig is truncated";
            return false;
        }

        // Backward-compatible (hierarchical) SBR/PS signalling, appended after the core configuration; only
        // consumed when its sync word is there, so whatever follows the config in a StreamMuxConfig is kept.
        var probe = r;
        if (!sbr && r.BitsLeft >= 16 && probe.ReadBits(11) == 0x2B7)
        {
            r = probe;
            var extensionType = ReadObjectType(ref r);
            if (extensionType == 5 && r.ReadBit())
            {
                sbr = true;
                outputRate = ReadSampleRate(ref r);
                if (r.BitsLeft >= 12 && r.ReadBits(11) == 0x548)
                {
                    ps = r.ReadBit();
                }
            }

            if (r.Overrun || outputRate <= 0)
            {
                sbr = false;
                ps = false;
                outputRate = sampleRate;
            }
        }

        error = null;
        config = Make();
        return true;

        AudioSpecificConfig Make() => new()
        {
            ObjectType = objectType,
            CoreObjectType = core,
            SampleRate = sampleRate,
            OutputSampleRate = outputRate,
            ChannelConfiguration = channels,
            FrameLength = frameLength,
            Sbr = sbr,
            Ps = ps,
        };
    }

    private static int ReadObjectType(ref BitReader r)
    {
        var type = (int)r.ReadBits(5);
        return type == 31 ? 32 + (int)r.ReadBits(6) : type;
    }

    private static int ReadSampleRate(ref BitReader r)
    {
        var index = (int)r.ReadBits(4);
        return index == 15 ? (int)r.ReadBits(24) : index < SampleRates.Length ? SampleRates[index] : -1;
    }
}
