using System.Buffers.Binary;

namespace LiveMux.Media.Mp4;

/// <summary>
/// Writes ISO/IEC 14496-12 boxes into a caller-provided span. Box sizes are patched when a box ends, so
/// callers nest <see cref="Begin"/>/<see cref="End"/> without computing sizes up front.
/// </summary>
public ref struct BoxWriter
{
    private readonly Span<byte> _buffer;

    public BoxWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Position];

    /// <summary>Starts a box and returns the offset to pass to <see cref="End"/>.</summary>
    public int Begin(uint type)
    {
        var start = Position;
        U32(0);
        U32(type);
        return start;
    }

    /// <summary>Starts a full box (version and 24-bit flags).</summary>
    public int BeginFull(uint type, byte version, uint flags)
    {
        var start = Begin(type);
        U32(((uint)version << 24) | (flags & 0xFFFFFF));
        return start;
    }

    public readonly void End(int start) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[start..], (uint)(Position - start));

    public void U8(byte value) => _buffer[Position++] = value;

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
    }

    public void I32(int value) => U32(unchecked((uint)value));

    public void U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[Position..], value);
        Position += 8;
    }

    public void Zeros(int count)
    {
        _buffer.Slice(Position, count).Clear();
        Position += count;
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }
}
