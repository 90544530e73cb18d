using System.Buffers.Binary;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// The one MP4 box reader (ISO/IEC 14496-12 4.2): walks the child boxes of one box's payload, or the top-level
/// boxes of a whole file or fragment; the streaming <see cref="Fmp4Reader"/> and the tests read headers with it too.
/// <code>
/// +----------+----------+-----------------------+---------
/// | size u32 | type u32 | [largesize u64 if 1]  | payload ...
/// +----------+----------+-----------------------+---------
/// </code>
/// size 0 ("to the end") is accepted only inside a parent, where the end is known. A child that overruns
/// its parent stops the walk and sets <see cref="Malformed"/>.
/// </summary>
public ref struct BoxCursor
{
    private readonly int _length;
    private ReadOnlySpan<byte> _rest;

    public BoxCursor(ReadOnlySpan<byte> payload)
    {
        _rest = payload;
        _length = payload.Length;
    }

    public bool Malformed { get; private set; }

    /// <summary>Bytes walked so far: where the next box starts, or the end once the walk is over.</summary>
    public readonly int Position => _length - _rest.Length;

    /// <summary>A four-character code as the <c>type</c> that <see cref="Next"/> reports: <c>FourCc("moof"u8)</c>.</summary>
    public static uint FourCc(ReadOnlySpan<byte> code) => BinaryPrimitives.ReadUInt32BigEndian(code);

    /// <summary>
    /// Reads one box header from the front of <paramref name="bytes"/>: false when they are shorter than the
    /// header. <paramref name="size"/> is as written, the header included (0: to the end of the enclosing box).
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out uint type, out ulong size, out int headerLength)
    {
        type = 0;
        size = 0;
        headerLength = 8;
        if (bytes.Length < 8)
        {
            return false;
        }

        size = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        type = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        if (size == 1)
        {
            if (bytes.Length < 16)
            {
                return false;
            }

            size = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
            headerLength = 16;
        }

        return true;
    }

    public bool Next(out uint type, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (_rest.IsEmpty)
        {
            type = 0;
            return false;
        }

        if (!TryReadHeader(_rest, out type, out var size, out var header))
        {
            Malformed = true;
            return false;
        }

        if (size == 0)
        {
            size = (ulong)_rest.Length;
        }

        if (size < (ulong)header || size > (ulong)_rest.Length)
        {
            Malformed = true;
            return false;
        }

        payload = _rest[header..(int)size];
        _rest = _rest[(int)size..];
        return true;
    }

    /// <summary>The first child of <paramref name="type"/>, or an empty span (and false) when there is none.</summary>
    public static bool TryFind(ReadOnlySpan<byte> parent, uint type, out ReadOnlySpan<byte> payload)
    {
        var cursor = new BoxCursor(parent);
        while (cursor.Next(out var t, out payload))
        {
            if (t == type)
            {
                return true;
            }
        }

        payload = default;
        return false;
    }
}
