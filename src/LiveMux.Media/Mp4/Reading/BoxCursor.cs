using System.Buffers.Binary;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// Walks the child boxes of one box's payload (ISO/IEC 14496-12 4.2):
/// <code>
/// +----------+----------+-----------------------+---------
/// | size u32 | type u32 | [largesize u64 if 1]  | payload ...
/// +----------+----------+-----------------------+---------
/// </code>
/// size 0 ("to the end") is accepted only inside a parent, where the end is known. A child that overruns
/// its parent stops the walk and sets <see cref="Malformed"/>.
/// </summary>
internal ref struct BoxCursor
{
    private ReadOnlySpan<byte> _rest;

    public BoxCursor(ReadOnlySpan<byte> payload) => _rest = payload;

    public bool Malformed { get; private set; }

    public bool Next(out uint type, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        payload = default;
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (_rest.Length < 8)
        {
            Malformed = true;
            return false;
        }

        ulong size = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        type = BinaryPrimitives.ReadUInt32BigEndian(_rest[4..]);
        var header = 8;
        if (size == 1)
        {
            if (_rest.Length < 16)
            {
                Malformed = true;
                return false;
            }

            size = BinaryPrimitives.ReadUInt64BigEndian(_rest[8..]);
            header = 16;
        }
        else if (size == 0)
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
