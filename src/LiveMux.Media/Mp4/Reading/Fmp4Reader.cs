using System.Buffers;
using LiveMux.Media.Rtp;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// Demuxes a fragmented MP4 byte stream, such as ffmpeg's <c>-movflags empty_moov+default_base_moof</c>
/// output on a pipe, one top-level box at a time (ISO/IEC 14496-12 8.8):
/// <code>
/// ftyp  moov  (moof mdat)*          other boxes (styp, sidx, free, udta, prft, ...) are skipped
///             |     '-- samples, at the offsets the moof gave, relative to its first byte
///             '-- tracks: TrackConfig with the sample entry passed through
/// </code>
/// A framing function in the Kestrel style: the caller's loop is ReadAsync, then TryRead until NeedMore,
/// then AdvanceTo(buffer.Start, buffer.End). No box is buffered past its limit. Bad input gives
/// <see cref="Fmp4Status.Error"/> with a reason, never an exception, and the reader stays failed.
/// </summary>
public sealed class Fmp4Reader : IDisposable
{
    private const uint Moov = 0x6D6F6F76;
    private const uint Moof = 0x6D6F6F66;
    private const uint Mdat = 0x6D646174;

    private readonly Fmp4Limits _limits;
    private readonly List<FragmentParser.PendingSample> _pending = [];
    private readonly Queue<Fmp4Sample> _ready = new();
    private Fmp4Track[] _tracks = [];
    private long[] _nextDecodeTime = [];
    private long _moofSize = -1;

    public Fmp4Reader(Fmp4Limits? limits = null) => _limits = limits ?? new Fmp4Limits();

    /// <summary>The tracks of the last moov; empty before it.</summary>
    public IReadOnlyList<Fmp4Track> Tracks => _tracks;

    public Fmp4ErrorKind ErrorKind { get; private set; }

    /// <summary>Why the stream was refused, for people.</summary>
    public string? Error { get; private set; }

    /// <summary>Samples left from the last mdat; the caller owns each taken sample's unit.</summary>
    public bool TryTakeSample(out Fmp4Sample sample) => _ready.TryDequeue(out sample);

    /// <summary>Consumes at most one whole top-level box from the front of <paramref name="buffer"/>.</summary>
    public Fmp4Status TryRead(ref ReadOnlySequence<byte> buffer)
    {
        if (ErrorKind != Fmp4ErrorKind.None)
        {
            return Fmp4Status.Error;
        }

        if (!TryReadHeader(buffer, out var type, out var size, out var header))
        {
            return ErrorKind == Fmp4ErrorKind.None ? Fmp4Status.NeedMore : Fmp4Status.Error;
        }

        var limit = type == Mdat ? _limits.MaxMdatBytes : _limits.MaxBoxBytes;
        if (size > (ulong)limit + (ulong)header)
        {
            return Fail(Fmp4ErrorKind.BoxTooLarge, $"{InitParser.FourCcText(type)} box of {size} bytes exceeds the {limit}-byte limit");
        }

        if ((ulong)buffer.Length < size)
        {
            return Fmp4Status.NeedMore;
        }

        var box = buffer.Slice(0, (long)size);
        var status = type switch
        {
            Moov => ReadMoov(box.Slice(header)),
            Moof => ReadMoof(box.Slice(header), (long)size),
            Mdat => ReadMdat(box.Slice(header), header),
            _ => Fmp4Status.Skipped,
        };
        if (status != Fmp4Status.Error)
        {
            buffer = buffer.Slice((long)size);
        }

        return status;
    }

    private bool TryReadHeader(in ReadOnlySequence<byte> buffer, out uint type, out ulong size, out int header)
    {
        Span<byte> bytes = stackalloc byte[16];
        var length = (int)Math.Min(16, buffer.Length);
        buffer.Slice(0, length).CopyTo(bytes);
        if (!BoxCursor.TryReadHeader(bytes[..length], out type, out size, out header))
        {
            return false;
        }

        if (size == 0)
        {
            // "Extends to the end of the file": a live stream has no end to find.
            Fail(Fmp4ErrorKind.Unsupported, $"{InitParser.FourCcText(type)} box with size 0 (to end of file) in a stream");
            return false;
        }

        if (size < (ulong)header)
        {
            Fail(Fmp4ErrorKind.Malformed, $"box size {size} is smaller than its header");
            return false;
        }

        return true;
    }

    private Fmp4Status ReadMoov(ReadOnlySequence<byte> payload)
    {
        var kind = InitParser.TryParse(Contiguous(payload, out var rented), _limits.MaxTracks, out var tracks, out var error);
        Return(rented);
        if (kind != Fmp4ErrorKind.None)
        {
            return Fail(kind, "moov: " + error);
        }

        _tracks = tracks;
        _nextDecodeTime = new long[tracks.Length];
        _pending.Clear();
        _moofSize = -1;
        return Fmp4Status.Init;
    }

    private Fmp4Status ReadMoof(ReadOnlySequence<byte> payload, long size)
    {
        if (_tracks.Length == 0)
        {
            return Fail(Fmp4ErrorKind.FragmentBeforeInit, "moof before moov");
        }

        _pending.Clear();
        var kind = FragmentParser.TryParse(Contiguous(payload, out var rented), _tracks, _nextDecodeTime, _limits.MaxSamplesPerFragment, _pending, out var error);
        Return(rented);
        if (kind != Fmp4ErrorKind.None)
        {
            return Fail(kind, "moof: " + error);
        }

        _moofSize = size;
        return Fmp4Status.Skipped;
    }

    private Fmp4Status ReadMdat(ReadOnlySequence<byte> payload, int header)
    {
        if (_moofSize < 0)
        {
            // Data no moof describes (e.g. a non-fragmented file's mdat) carries nothing we can time.
            return _tracks.Length == 0 ? Fail(Fmp4ErrorKind.FragmentBeforeInit, "mdat before moov") : Fmp4Status.Skipped;
        }

        var start = _moofSize + header;
        var end = start + payload.Length;
        foreach (var s in _pending)
        {
            if (s.Offset < start || s.Offset + s.Size > end)
            {
                return Fail(Fmp4ErrorKind.SampleOutsideMdat, $"a sample of {s.Size} bytes at offset {s.Offset} lies outside the mdat that follows its moof");
            }
        }

        foreach (var s in _pending)
        {
            if (_tracks[s.TrackIndex].Config is null)
            {
                continue;
            }

            var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, s.Size));
            payload.Slice(s.Offset - start, s.Size).CopyTo(bytes);
            var unit = new AccessUnit(bytes, s.Size, s.DecodeTime + s.CompositionOffset, s.DecodeTime, s.IsSync, configChanged: false);
            _ready.Enqueue(new Fmp4Sample(s.TrackIndex, unit, s.Duration, s.CompositionOffset));
        }

        _pending.Clear();
        _moofSize = -1;
        return Fmp4Status.Samples;
    }

    private Fmp4Status Fail(Fmp4ErrorKind kind, string error)
    {
        ErrorKind = kind;
        Error = error;
        return Fmp4Status.Error;
    }

    private static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> payload, out byte[]? rented)
    {
        rented = null;
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan;
        }

        rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        payload.CopyTo(rented);
        return rented.AsSpan(0, (int)payload.Length);
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Returns the buffers of samples nobody took.</summary>
    public void Dispose()
    {
        while (_ready.TryDequeue(out var sample))
        {
            sample.Unit.Dispose();
        }
    }
}
