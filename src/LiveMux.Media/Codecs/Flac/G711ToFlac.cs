using LiveMux.Media.Mp4;

namespace LiveMux.Media.Codecs.Flac;

/// <summary>
/// Re-encodes G.711 units as FLAC frames, one frame per unit, for browsers: none plays G.711 through MSE, but
/// every MSE browser with FLAC-in-MP4 support does (Chrome, Firefox, Safari 17+), and FLAC is lossless.
/// <code>
/// G.711 codes -> expand (G.711) -> 16-bit PCM -> one FLAC frame, sample number = ticks since the first unit
/// </code>
/// The frame's sample number counts from the first unit in the RTP clock, so a loss leaves a gap in numbering
/// that decoders ignore. It wraps at 2^31: FLAC allows 36 bits, but ffmpeg's decoder (Chrome's too) rejects
/// the 7-byte form that numbers from 2^31 on need, which a 48 kHz stream reaches after 12 hours.
/// </summary>
public sealed class G711ToFlac
{
    private readonly bool _aLaw;
    private readonly int _channels;
    private readonly int _sampleRate;
    private bool _started;
    private long _firstTimestamp;
    private short[] _pcm = [];

    /// <param name="maxBlockSize">Longest unit in samples; the STREAMINFO maximum.</param>
    public G711ToFlac(bool aLaw, int sampleRate, int channels, int maxBlockSize)
    {
        _aLaw = aLaw;
        _channels = Math.Clamp(channels, 1, FlacFrameEncoder.MaxChannels);
        _sampleRate = sampleRate > 0 ? sampleRate : 8000;
        var maxBlock = Math.Clamp(maxBlockSize, FlacSampleEntry.MinBlockSize, FlacFrameEncoder.MaxBlockSize);
        Config = new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = "flac",
            Timescale = _sampleRate,
            SampleEntry = FlacSampleEntry.Build(_channels, _sampleRate, maxBlock),
            FrameRate = 50, // 20 ms, the RFC 3551 default packet; each unit carries its exact duration
        };
    }

    public TrackConfig Config { get; }

    /// <summary>The largest FLAC frame <paramref name="codeCount"/> codes can become.</summary>
    public int MaxFrameBytes(int codeCount) => FlacFrameEncoder.MaxFrameBytes(codeCount / _channels, _channels);

    /// <summary>Encodes one unit of interleaved codes taken at <paramref name="timestamp"/>; 0 when it cannot.</summary>
    public int Encode(ReadOnlySpan<byte> codes, long timestamp, Span<byte> destination)
    {
        if (codes.IsEmpty || codes.Length % _channels != 0 || codes.Length / _channels > FlacFrameEncoder.MaxBlockSize)
        {
            return 0;
        }

        if (!_started)
        {
            _started = true;
            _firstTimestamp = timestamp;
        }

        if (_pcm.Length < codes.Length)
        {
            _pcm = new short[codes.Length];
        }

        var pcm = _pcm.AsSpan(0, codes.Length);
        G711.G711.Decode(codes, pcm, _aLaw);
        var sampleNumber = (timestamp - _firstTimestamp) & int.MaxValue;
        return FlacFrameEncoder.Encode(pcm, _channels, _sampleRate, sampleNumber, destination);
    }
}
