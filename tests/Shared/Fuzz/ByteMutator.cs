using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace LiveMux.Tests.Fuzz;

/// <summary>One edit of an input; <see cref="Position"/> and <see cref="Value"/> are reduced modulo the input at apply time.</summary>
internal readonly record struct Mutation(int Kind, int Position, int Value);

/// <summary>
/// Structure-aware mutation of valid inputs: a real packet or message with a few edits is far more likely to reach
/// deep parser states than random bytes. The edits are the ones parsers get wrong: bit flips, truncation,
/// deleted and duplicated ranges, length fields that lie (16/32-bit boundary values written over any position),
/// and the separators of text protocols inserted anywhere.
/// </summary>
internal static class ByteMutator
{
    private const int Kinds = 10;

    private static readonly byte[] Bytes8 = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x3F, 0x40, 0x1F, 0x20];
    private static readonly uint[] Bytes16 = [0x0000, 0x0001, 0x7FFF, 0x8000, 0xFFFF, 0x00FF, 0x0100];
    private static readonly uint[] Bytes32 = [0, 1, 7, 8, 16, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x00010000];

    private static readonly string[] Tokens =
        ["\r\n", "\n", "\r\n\r\n", ":", " ", "\t", ",", ";", "=", "\"", "\\", "-", "$", "/", "99999999999", "-1", "\0", "%", "\u00e9"];

    public static readonly Gen<Mutation> One =
        Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (k, p, v) => new Mutation(k, p, v));

    public static readonly Gen<Mutation[]> Some = One.Array[0, 6];

    /// <summary>A seed with up to six edits (mostly), or plain random bytes (sometimes).</summary>
    public static Gen<byte[]> Of(IReadOnlyList<byte[]> seeds, int randomMax = 512) =>
        Gen.Frequency(
            (9, Gen.Select(Gen.Int[0, seeds.Count - 1], Some, (i, m) => Apply(seeds[i], m))),
            (1, Gen.Byte.Array[0, randomMax]));

    public static byte[] Apply(byte[] input, IEnumerable<Mutation> mutations)
    {
        var data = new List<byte>(input);
        foreach (var m in mutations)
        {
            Apply(data, m);
        }

        return [.. data];
    }

    private static void Apply(List<byte> data, Mutation m)
    {
        var at = data.Count == 0 ? 0 : m.Position % data.Count;
        switch (m.Kind)
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << (m.Value % 8));
                break;
            case 1 when data.Count > 0:
                data[at] = Bytes8[m.Value % Bytes8.Length];
                break;
            case 2 when data.Count >= 2:
                Overwrite(data, Math.Min(at, data.Count - 2), LengthLie(Bytes16, m.Value, data.Count, 0xFFFF), 2);
                break;
            case 3 when data.Count >= 4:
                Overwrite(data, Math.Min(at, data.Count - 4), LengthLie(Bytes32, m.Value, data.Count, uint.MaxValue), 4);
                break;
            case 4:
                data.RemoveRange(m.Position % (data.Count + 1), data.Count - (m.Position % (data.Count + 1)));
                break;
            case 5 when data.Count > 0:
                data.RemoveRange(at, Math.Min(1 + (m.Value % 16), data.Count - at));
                break;
            case 6:
                var random = new byte[1 + (m.Value % 16)];
                new Random(m.Value).NextBytes(random);
                data.InsertRange(at, random);
                break;
            case 7 when data.Count > 0:
                var chunk = data.GetRange(at, Math.Min(1 + (m.Value % 64), data.Count - at));
                data.InsertRange(m.Value % (data.Count + 1), chunk);
                break;
            case 8 when data.Count > 0:
                data[at] = (byte)m.Value;
                break;
            case 9:
                data.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[m.Value % Tokens.Length]));
                break;
        }
    }

    // A boundary value, or the input's own length nudged by a little: the lies a length field tells.
    private static uint LengthLie(uint[] table, int value, int length, uint max)
    {
        if (value % 3 == 0)
        {
            return table[(value / 3) % table.Length];
        }

        var nudged = Math.Max(0L, (long)length + ((value / 3) % 17) - 8);
        return (uint)Math.Min(max, nudged);
    }

    private static void Overwrite(List<byte> data, int at, uint value, int width)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        for (var i = 0; i < width; i++)
        {
            data[at + i] = bytes[4 - width + i];
        }
    }

    public static string Hex(byte[] data) =>
        data.Length <= 65536 ? Convert.ToHexString(data) : Convert.ToHexString(data.AsSpan(0, 65536)) + $"... ({data.Length} bytes)";
}
