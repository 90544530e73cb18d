using System.Buffers;
using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// Turns one stream's samples into the fMP4 fragments its MSE viewers share, making the browser's choices the
/// hub does not: G.711 re-encoded as FLAC (no browser plays G.711 through MSE), bitstream_restriction added to a
/// baseline H.264 SPS so Chrome's decoder outputs each frame at once, a silent audio track left out, and the
/// fragment itself (track_ID = slot + 1, prft with the time the sample reached the hub). Not thread-safe: one loop
/// feeds it.
/// </summary>
internal sealed class MseMuxer(string name, TimeSpan silentAudioWait, TimeProvider time, ILogger logger)
{
    // The G.711 depacketizer's own limit: longer units never reach the hub.
    private static readonly int MaxG711Block = new AudioDepacketizerOptions().MaxG711BlockSize;

    private StreamFormat? _source;
    private G711ToFlac?[] _flac = [];
    private uint _sequence;
    private long _videoStartedAt = -1;
    private bool _audioHeard;
    private bool _audioLeftOut;

    /// <summary>The tracks MSE viewers get; null until the stream's format is known.</summary>
    public StreamFormat? Format { get; private set; }

    /// <summary>The stream's format changed (a new session, a new SPS): returns what MSE viewers get now.</summary>
    public StreamFormat OnFormat(StreamFormat source)
    {
        _source = source;
        _flac = [.. source.Tracks.Select(FlacFor)];
        _videoStartedAt = -1;
        _audioHeard = false;
        _audioLeftOut = false;
        return Format = new StreamFormat([.. source.Tracks.Select((t, i) => BrowserTrack(t, _flac[i]))]);
    }

    /// <summary>The tracks browsers get for a stream's <paramref name="source"/> tracks, before the silent-audio rule.</summary>
    public static StreamFormat ForBrowsers(StreamFormat source) =>
        new([.. source.Tracks.Select(t => BrowserTrack(t, FlacFor(t)))]);

    /// <summary>The one rule for what a browser gets of a track: G.711 as FLAC, H.264 with its SPS rewritten where safe.</summary>
    private static TrackConfig BrowserTrack(TrackConfig track, G711ToFlac? flac) => flac?.Config ?? H264ParameterSets.ForBrowsers(track);

    private static G711ToFlac? FlacFor(TrackConfig track) => track.Codec is "alaw" or "ulaw"
        ? new G711ToFlac(track.Codec == "alaw", track.Timescale, Math.Max(1, track.Channels), MaxG711Block)
        : null;

    /// <summary>
    /// Muxes one sample. <paramref name="formatChanged"/> is set when viewers must switch to a new format before
    /// the returned fragment. Returns null for a sample no viewer gets (no format yet, audio left out, a G.711
    /// unit FLAC cannot take).
    /// </summary>
    public Fragment? Mux(in Delivery<Sample> item, out StreamFormat? formatChanged)
    {
        formatChanged = null;
        var sample = item.Frame!;
        if (_source is null || Format is null || (uint)item.Track >= (uint)_source.Tracks.Count)
        {
            return null;
        }

        var kind = _source.Tracks[item.Track].Kind;
        if (kind == TrackKind.Video && sample.IsKeyframe)
        {
            formatChanged = LeaveOutSilentAudio();
        }

        if (kind == TrackKind.Audio)
        {
            if (_audioLeftOut)
            {
                return null;
            }

            _audioHeard = true;
        }
        else if (_videoStartedAt < 0)
        {
            _videoStartedAt = time.GetTimestamp();
        }

        if (_flac[item.Track] is { } flac)
        {
            return MuxFlac(flac, item);
        }

        var fragment = Fragment.Over(sample, item.Track, out var header);
        MediaFragment.WriteHeader(header, Header(item, sample.Length));
        return fragment;
    }

    private FragmentHeader Header(in Delivery<Sample> item, int size)
    {
        var sample = item.Frame!;
        return new FragmentHeader(++_sequence, (uint)item.Track + 1, (ulong)sample.DecodeTime, (uint)sample.Duration, size, sample.IsKeyframe, sample.CompositionOffset, sample.ReceivedNtp);
    }

    private Fragment? MuxFlac(G711ToFlac flac, in Delivery<Sample> item)
    {
        var sample = item.Frame!;
        var payload = ArrayPool<byte>.Shared.Rent(flac.MaxFrameBytes(sample.Length));
        var length = sample.Duration <= MaxG711Block ? flac.Encode(sample.Data, sample.PresentationTime, payload) : 0;
        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(payload);
            MseLog.FlacDropped(logger, name, sample.Length);
            return null;
        }

        var fragment = Fragment.Owning(payload, length, item.Track, (ulong)sample.DecodeTime, sample.CompositionOffset, out var header);
        MediaFragment.WriteHeader(header, Header(item, length));
        return fragment;
    }

    /// <summary>
    /// Some cameras announce an audio track and never send it (audio switched off, no microphone). A SourceBuffer
    /// with an empty audio track buffers nothing at all, so the player would wait for ever: when the video has
    /// played for the wait without one audio frame, the audio is left out until the next format. Checked on
    /// video keyframes only, where viewers can switch to the new init segment.
    /// </summary>
    private StreamFormat? LeaveOutSilentAudio()
    {
        if (_audioHeard || _audioLeftOut || _videoStartedAt < 0
            || Format is not { Tracks: [{ Kind: TrackKind.Video } video, { Kind: TrackKind.Audio }] }
            || time.GetElapsedTime(_videoStartedAt) is var silent && silent < silentAudioWait)
        {
            return null;
        }

        _audioLeftOut = true;
        MseLog.AudioSilent(logger, name, _source!.Tracks[1].Codec, silent.TotalSeconds);
        return Format = new StreamFormat([video]);
    }
}
