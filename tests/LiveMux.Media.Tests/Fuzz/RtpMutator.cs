using System.Buffers.Binary;
using CsCheck;
using LiveMux.Tests.Fuzz;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>One edit of a packet sequence: <see cref="Kind"/> picks it, <see cref="Packet"/> (mod count) where.</summary>
internal readonly record struct PacketMutation(int Kind, int Packet, int Value, Mutation Bytes);

/// <summary>
/// Mutates a valid packet sequence the way networks and broken cameras do: loss, duplication, reordering,
/// sequence and timestamp jumps, marker bits in the wrong place, truncated packets, and byte edits (inside the
/// FU/AP/AU headers and their length fields as much as in the payload).
/// </summary>
internal static class RtpMutator
{
    private const int Kinds = 9;

    private static readonly Gen<PacketMutation> One = Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue],
        ByteMutator.One, (k, p, v, m) => new PacketMutation(k, p, v, m));

    public static Gen<(int Seed, byte[][] Packets)> Of(IReadOnlyList<RtpSeed> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], One.Array[0, 8], (i, m) => (i, Apply(seeds[i].Packets, m)));

    public static byte[][] Apply(IReadOnlyList<byte[]> packets, IEnumerable<PacketMutation> mutations)
    {
        var list = packets.Select(p => p.ToArray()).ToList();
        foreach (var m in mutations)
        {
            if (list.Count == 0)
            {
                break;
            }

            var at = m.Packet % list.Count;
            var packet = list[at];
            switch (m.Kind)
            {
                case 0 or 1:
                    // Mostly the payload's first bytes: where the FU, AP and AU headers and their lengths are.
                    var header = Math.Min(12, packet.Length);
                    var payload = ByteMutator.Apply(packet[header..], [m.Bytes with { Position = m.Kind == 0 ? m.Bytes.Position % 8 : m.Bytes.Position }]);
                    list[at] = [.. packet[..header], .. payload];
                    break;
                case 2:
                    list.RemoveAt(at);
                    break;
                case 3:
                    list.Insert(at, packet.ToArray());
                    break;
                case 4 when at + 1 < list.Count:
                    (list[at], list[at + 1]) = (list[at + 1], list[at]);
                    break;
                case 5 when packet.Length >= 12:
                    var jump = (ushort)(m.Value % 3 == 0 ? 0x8000 : m.Value % 64);
                    for (var i = at; i < list.Count; i++)
                    {
                        if (list[i].Length >= 4)
                        {
                            BinaryPrimitives.WriteUInt16BigEndian(list[i].AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(list[i].AsSpan(2)) + jump));
                        }
                    }

                    break;
                case 6 when packet.Length >= 2:
                    packet[1] ^= 0x80;
                    break;
                case 7 when packet.Length >= 8:
                    var step = (uint)(m.Value % 4) switch { 0 => 0x80000000u, 1 => uint.MaxValue, 2 => 0u, _ => (uint)m.Value };
                    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4)) + step);
                    break;
                case 8:
                    list[at] = packet[..(m.Value % (packet.Length + 1))];
                    break;
            }
        }

        return [.. list];
    }
}
