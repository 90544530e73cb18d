using System.Text;
using LiveMux.Media.Bits;

namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// The general part of H.265 profile_tier_level() (7.3.3): what the hvcC header and the codec string carry.
/// <code>
/// profile_space(2) tier(1) profile_idc(5) | compatibility_flags(32) | constraint_flags(48) | level_idc(8)
/// then, for sub-layers 0 .. max_sub_layers_minus1-1: profile_present(1) level_present(1),
/// alignment to 16 bits, and 88 profile bits / 8 level bits for each sub-layer that has them.
/// </code>
/// </summary>
public sealed record H265ProfileTierLevel
{
    /// <summary>Bytes of the general part: 1 + 4 + 6 + 1.</summary>
    public const int GeneralBytes = 12;

    public required byte ProfileSpace { get; init; }
    public required bool HighTier { get; init; }
    public required byte ProfileIdc { get; init; }

    /// <summary>general_profile_compatibility_flag[0..31] as read: flag j is bit 31 - j.</summary>
    public required uint CompatibilityFlags { get; init; }

    /// <summary>The 48 bits from general_progressive_source_flag on, in the low bits.</summary>
    public required ulong ConstraintFlags { get; init; }

    /// <summary>general_level_idc: 30 times the level number (level 3.1 is 93).</summary>
    public required byte LevelIdc { get; init; }

    /// <summary>
    /// ISO/IEC 14496-15 Annex E.3 codec string, for example <c>hvc1.1.6.L93.B0</c>: profile space (A-C for
    /// 1-3, nothing for 0) and profile, the compatibility flags bit-reversed in hex, tier and level, then the
    /// six constraint bytes in hex with trailing zero bytes left out.
    /// </summary>
    public string CodecString(string sampleEntry = "hvc1")
    {
        var s = new StringBuilder(sampleEntry).Append('.');
        if (ProfileSpace > 0)
        {
            s.Append((char)('A' + ProfileSpace - 1));
        }

        s.Append(ProfileIdc).Append('.');
        s.Append(ReverseBits(CompatibilityFlags).ToString("X")).Append('.');
        s.Append(HighTier ? 'H' : 'L').Append(LevelIdc);
        var bytes = 6;
        while (bytes > 0 && ConstraintByte(bytes - 1) == 0)
        {
            bytes--;
        }

        for (var i = 0; i < bytes; i++)
        {
            s.Append('.').Append(ConstraintByte(i).ToString("X2"));
        }

        return s.ToString();
    }

    /// <summary>
    /// The general profile, tier and level an hvcC repeats in its bytes 1-12 (ISO/IEC 14496-15 8.3.3.1.2),
    /// or null when the record is too short.
    /// </summary>
    public static H265ProfileTierLevel? FromHvcC(ReadOnlySpan<byte> hvcC)
    {
        if (hvcC.Length < 1 + GeneralBytes)
        {
            return null;
        }

        return new H265ProfileTierLevel
        {
            ProfileSpace = (byte)(hvcC[1] >> 6),
            HighTier = ((hvcC[1] >> 5) & 1) == 1,
            ProfileIdc = (byte)(hvcC[1] & 0x1F),
            CompatibilityFlags = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hvcC[2..]),
            ConstraintFlags = ((ulong)System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(hvcC[6..]) << 32)
                | System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hvcC[8..]),
            LevelIdc = hvcC[12],
        };
    }

    /// <summary>Constraint byte <paramref name="index"/> (0-5), first byte holding general_progressive_source_flag.</summary>
    public byte ConstraintByte(int index) => (byte)(ConstraintFlags >> (8 * (5 - index)));

    /// <summary>Reads profile_tier_level(1, <paramref name="maxSubLayersMinus1"/>); false when the data runs out.</summary>
    internal static bool TryRead(ref BitReader r, int maxSubLayersMinus1, out H265ProfileTierLevel? ptl)
    {
        var profileSpace = (byte)r.ReadBits(2);
        var highTier = r.ReadBit();
        var profileIdc = (byte)r.ReadBits(5);
        var compatibility = r.ReadBits(32);
        var constraints = ((ulong)r.ReadBits(16) << 32) | r.ReadBits(32);
        var levelIdc = (byte)r.ReadBits(8);

        Span<bool> profilePresent = stackalloc bool[8];
        Span<bool> levelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = r.ReadBit();
            levelPresent[i] = r.ReadBit();
        }

        if (maxSubLayersMinus1 > 0)
        {
            r.Skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }

        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            r.Skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }

        ptl = r.Overrun ? null : new H265ProfileTierLevel
        {
            ProfileSpace = profileSpace,
            HighTier = highTier,
            ProfileIdc = profileIdc,
            CompatibilityFlags = compatibility,
            ConstraintFlags = constraints,
            LevelIdc = levelIdc,
        };
        return ptl is not null;
    }

    /// <summary>Writes the general part as hvcC lays it out (byte 1 to 12 of the record).</summary>
    internal void WriteGeneral(Span<byte> destination)
    {
        destination[0] = (byte)((ProfileSpace << 6) | (HighTier ? 0x20 : 0) | (ProfileIdc & 0x1F));
        destination[1] = (byte)(CompatibilityFlags >> 24);
        destination[2] = (byte)(CompatibilityFlags >> 16);
        destination[3] = (byte)(CompatibilityFlags >> 8);
        destination[4] = (byte)CompatibilityFlags;
        for (var i = 0; i < 6; i++)
        {
            destination[5 + i] = ConstraintByte(i);
        }

        destination[11] = LevelIdc;
    }

    private static uint ReverseBits(uint value)
    {
        uint reversed = 0;
        for (var i = 0; i < 32; i++)
        {
            reversed = (reversed << 1) | ((value >> i) & 1);
        }

        return reversed;
    }
}
