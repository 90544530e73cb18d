using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp.G711;

/// <summary>
/// RFC 3551 section 4.5.14 PCMA/PCMU depacketizer: the payload is one 8-bit code per sample (channels
/// interleaved), static payload types 8 and 0 at 8 kHz mono, other rates and channel counts from a=rtpmap.
/// <code>
/// [RTP header][code(t) code(t+1) ...]  -> one access unit of G.711 codes per packet, duration = samples
/// </code>
/// Units stay G.711: an RTSP client or a recorder wants the camera's own codes. Browsers cannot play G.711
/// through MSE; the MSE egress re-encodes them (<see cref="Codecs.Flac.G711ToFlac"/>).
/// </summary>
public sealed class G711Depacketizer : UnitPerPacketDepacketizer
{
    /// <summary>Channels a stream may declare; more is taken as a broken a=rtpmap.</summary>
    public const int MaxChannels = 8;

    private readonly AudioDepacketizerOptions _options;

    public G711Depacketizer(bool aLaw, int sampleRate = 8000, int channels = 1, AudioDepacketizerOptions? options = null)
    {
        _options = options ?? new AudioDepacketizerOptions();
        ALaw = aLaw;
        Channels = Math.Clamp(channels, 1, MaxChannels);
        SampleRate = sampleRate > 0 ? sampleRate : 8000;
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = aLaw ? "alaw" : "ulaw",
            Timescale = SampleRate,
            Channels = Channels,
            // ISO/IEC 14496-12 has no G.711 entry; QuickTime's 'alaw'/'ulaw' are what ffmpeg reads and writes.
            SampleEntry = AudioSampleEntry.Build(aLaw ? 0x616C6177u : 0x756C6177u, Channels, SampleRate, []),
            FrameRate = 50, // 20 ms, the RFC 3551 default packet; each unit carries its exact duration
        };
    }

    public bool ALaw { get; }

    public int Channels { get; }

    public int SampleRate { get; }

    public override TrackConfig? Config { get; }

    public AudioDepacketizerOptions Options => _options;

    protected override DropReason Measure(ReadOnlySpan<byte> payload, out int duration)
    {
        duration = payload.Length / Channels;
        return payload.IsEmpty || payload.Length % Channels != 0 ? DropReason.Malformed
            : duration > _options.MaxG711BlockSize || payload.Length > _options.MaxAccessUnitBytes ? DropReason.AccessUnitTooLarge
            : DropReason.None;
    }
}
