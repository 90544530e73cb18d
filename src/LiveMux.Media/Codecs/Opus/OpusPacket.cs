namespace LiveMux.Media.Codecs.Opus;

/// <summary>
/// The TOC byte of an Opus packet (RFC 6716 section 3.1) and the packet's duration.
/// <code>
///  0 1 2 3 4 5 6 7
/// +-+-+-+-+-+-+-+-+
/// | config  |s| c |   config: mode and frame size (table 2); s: stereo; c: frame count code
/// +-+-+-+-+-+-+-+-+
/// c = 0: one frame; 1, 2: two frames; 3: the next byte is [v|p| M (6 bits)], M frames
/// </code>
/// Durations are in 48 kHz samples, the Opus RTP clock (RFC 7587 section 4.1) whatever the audio bandwidth.
/// </summary>
public static class OpusPacket
{
    /// <summary>RFC 6716 3.2.5: a packet holds at most 120 ms.</summary>
    public const int MaxSamples = 5760;

    /// <summary>Samples at 48 kHz in one frame of a TOC config: SILK 10/20/40/60 ms, hybrid 10/20, CELT 2.5/5/10/20.</summary>
    public static int FrameSamples(byte toc)
    {
        var config = toc >> 3;
        return config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 },
            < 16 => (config & 1) == 0 ? 480 : 960,
            _ => (config & 3) switch { 0 => 120, 1 => 240, 2 => 480, _ => 960 },
        };
    }

    public static bool IsStereo(byte toc) => (toc & 0x04) != 0;

    /// <summary>The packet's duration in 48 kHz samples, or 0 when the packet is malformed (empty, missing count, over 120 ms).</summary>
    public static int Duration(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return 0;
        }

        var toc = packet[0];
        int frames;
        switch (toc & 3)
        {
            case 0:
                frames = 1;
                break;
            case 1 or 2:
                frames = 2;
                break;
            default:
                if (packet.Length < 2)
                {
                    return 0;
                }

                frames = packet[1] & 0x3F;
                break;
        }

        var samples = frames * FrameSamples(toc);
        return samples is > 0 and <= MaxSamples ? samples : 0;
    }
}
