namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// Splits an H.264 Annex B byte stream (ITU-T H.264 Annex B.1) into NAL units.
/// </summary>
/// <remarks>
/// <code>
///   [00..] 00 00 01 | NAL unit | [00..] 00 00 01 | NAL unit | [00..]
///          \______/              \______________/
///   3-byte start code     4-byte start code = trailing/leading zero_byte + 00 00 01
/// </code>
/// A NAL unit never ends in 0x00 (emulation prevention guarantees it), so zero bytes before a start
/// code or at the end of the stream are trailing_zero_8bits and are not part of the NAL unit. Bytes
/// before the first start code are leading garbage and are skipped; empty NAL units are skipped.
/// </remarks>
public static class AnnexB
{
    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// <summary>Enumerates the NAL units of <paramref name="stream"/> without copying or allocating.</summary>
    public static NalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> stream) => new(stream);

    /// <summary>
    /// Index of the first byte after the next 3-byte start code at or after <paramref name="from"/>,
    /// or -1 if there is none.
    /// </summary>
    public static int IndexAfterStartCode(ReadOnlySpan<byte> stream, int from)
    {
        if ((uint)from > (uint)stream.Length)
        {
            return -1;
        }

        int i = stream[from..].IndexOf(StartCode);
        return i < 0 ? -1 : from + i + StartCode.Length;
    }

    /// <summary>A ref struct enumerator over NAL units; <see cref="Current"/> excludes start codes.</summary>
    public ref struct NalUnitEnumerator
    {
        private readonly ReadOnlySpan<byte> _stream;
        private int _next;   // index just after the start code of the next NAL unit, or -1 at the end
        private int _start;
        private int _length;

        internal NalUnitEnumerator(ReadOnlySpan<byte> stream)
        {
            _stream = stream;
            _next = IndexAfterStartCode(stream, 0);
            _start = 0;
            _length = 0;
        }

        /// <summary>The current NAL unit, header byte first.</summary>
        public readonly ReadOnlySpan<byte> Current => _stream.Slice(_start, _length);

        /// <summary>Where <see cref="Current"/> lies in the stream, to slice an owning buffer with.</summary>
        public readonly Range CurrentRange => new(_start, _start + _length);

        public readonly NalUnitEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_next >= 0)
            {
                int start = _next;
                int afterNext = IndexAfterStartCode(_stream, start);
                int end = afterNext < 0 ? _stream.Length : afterNext - StartCode.Length;
                _next = afterNext;

                while (end > start && _stream[end - 1] == 0)
                {
                    end--;
                }

                if (end > start)
                {
                    _start = start;
                    _length = end - start;
                    return true;
                }
            }

            _start = 0;
            _length = 0;
            return false;
        }
    }
}
