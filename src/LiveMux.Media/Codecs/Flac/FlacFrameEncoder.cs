using System.Buffers;
using System.Numerics;

namespace LiveMux.Media.Codecs.Flac;

/// <summary>
/// Encodes one block of 16-bit PCM as one FLAC frame (RFC 9639 section 9), variable block size, each channel
/// coded independently with whichever subframe is smallest: CONSTANT, VERBATIM, or FIXED order 0-4 with a
/// partitioned Rice residual (section 9.2.7) whose partition order and parameters minimise the bits.
/// <code>
/// frame header:  FF F9 (sync, variable block size) | blocksize code(4) rate code(4) | channels-1(4) 100(16 bit) 0
///                | sample number (UTF-8-like, up to 36 bits) | [blocksize-1: 8/16 bits] | [rate: 8/16 bits] | CRC-8
/// subframe:      0 | type(6): 000000 CONSTANT, 000001 VERBATIM, 001ooo FIXED order o | 0 (no wasted bits)
///   FIXED:       warm-up samples(o x 16) | residual: 00 (4-bit Rice) | partition order(4)
///                | per partition: Rice parameter(4) | zigzag residuals as unary(q) + k low bits
/// footer:        zero pad to a byte | CRC-16
/// </code>
/// </summary>
public static class FlacFrameEncoder
{
    public const int MaxBlockSize = 65535;
    public const int MaxChannels = 8;
    private const int BitsPerSample = 16;
    private const int MaxRiceParameter = 14;
    private const int MaxPartitionOrder = 8;

    /// <summary>Bytes a frame can take at most, to size the destination.</summary>
    public static int MaxFrameBytes(int blockSize, int channels) => 18 + (channels * ((blockSize * 2) + 8)) + 2;

    /// <summary>
    /// Encodes <paramref name="interleaved"/> (blockSize x channels samples) as a frame starting at sample
    /// <paramref name="sampleNumber"/>. Returns the bytes written, or 0 for a block FLAC cannot carry.
    /// </summary>
    public static int Encode(ReadOnlySpan<short> interleaved, int channels, int sampleRate, long sampleNumber, Span<byte> destination)
    {
        if (channels is < 1 or > MaxChannels || interleaved.Length == 0 || interleaved.Length % channels != 0
            || sampleNumber is < 0 or >= 1L << 36 || sampleRate <= 0)
        {
            return 0;
        }

        var blockSize = interleaved.Length / channels;
        if (blockSize > MaxBlockSize || destination.Length < MaxFrameBytes(blockSize, channels))
        {
            return 0;
        }

        var w = new FlacBitWriter(destination);
        WriteHeader(ref w, blockSize, channels, sampleRate, sampleNumber);
        var headerLength = w.BytePosition;
        w.Write(FlacCrc.Crc8(destination[..headerLength]), 8);

        var samples = ArrayPool<int>.Shared.Rent(blockSize);
        var residual = ArrayPool<uint>.Shared.Rent(blockSize);
        try
        {
            for (var c = 0; c < channels; c++)
            {
                for (var i = 0; i < blockSize; i++)
                {
                    samples[i] = interleaved[(i * channels) + c];
                }

                WriteSubframe(ref w, samples.AsSpan(0, blockSize), residual.AsSpan(0, blockSize));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(samples);
            ArrayPool<uint>.Shared.Return(residual);
        }

        w.AlignToByte();
        var length = w.BytePosition;
        var crc = FlacCrc.Crc16(destination[..length]);
        destination[length] = (byte)(crc >> 8);
        destination[length + 1] = (byte)crc;
        return length + 2;
    }

    private static void WriteHeader(ref FlacBitWriter w, int blockSize, int channels, int sampleRate, long sampleNumber)
    {
        w.Write(0xFFF9, 16);
        w.Write(blockSize <= 256 ? 6u : 7u, 4);
        var (rateCode, rateBits, rateValue) = SampleRateCode(sampleRate);
        w.Write(rateCode, 4);
        w.Write((uint)(channels - 1), 4);
        w.Write(0b100, 3);
        w.Write(0, 1);
        WriteCodedNumber(ref w, (ulong)sampleNumber);
        w.Write((uint)(blockSize - 1), blockSize <= 256 ? 8 : 16);
        if (rateBits > 0)
        {
            w.Write(rateValue, rateBits);
        }
    }

    /// <summary>Section 9.1.2: a rate from the table, else kHz, Hz or tens of Hz in extra header bits, else from STREAMINFO.</summary>
    private static (uint Code, int ExtraBits, uint Extra) SampleRateCode(int rate) => rate switch
    {
        88200 => (1, 0, 0),
        176400 => (2, 0, 0),
        192000 => (3, 0, 0),
        8000 => (4, 0, 0),
        16000 => (5, 0, 0),
        22050 => (6, 0, 0),
        24000 => (7, 0, 0),
        32000 => (8, 0, 0),
        44100 => (9, 0, 0),
        48000 => (10, 0, 0),
        96000 => (11, 0, 0),
        _ when rate % 1000 == 0 && rate / 1000 <= 255 => (12, 8, (uint)(rate / 1000)),
        _ when rate <= 65535 => (13, 16, (uint)rate),
        _ when rate % 10 == 0 && rate / 10 <= 65535 => (14, 16, (uint)(rate / 10)),
        _ => (0, 0, 0),
    };

    /// <summary>Section 9.1.5: the first sample's number in the UTF-8 scheme extended to 36 bits.</summary>
    private static void WriteCodedNumber(ref FlacBitWriter w, ulong value)
    {
        if (value < 0x80)
        {
            w.Write((uint)value, 8);
            return;
        }

        var continuation = value switch
        {
            < 0x800 => 1,
            < 0x10000 => 2,
            < 0x200000 => 3,
            < 0x4000000 => 4,
            < 0x80000000 => 5,
            _ => 6,
        };
        var leadBits = 6 - continuation; // payload bits in the first byte (0 for the 7-byte form)
        var prefix = (uint)(0xFF00 >> (continuation + 1)) & 0xFF;
        w.Write(prefix | (uint)(value >> (6 * continuation)) & ((1u << leadBits) - 1), 8);
        for (var i = continuation - 1; i >= 0; i--)
        {
            w.Write(0x80 | (uint)((value >> (6 * i)) & 0x3F), 8);
        }
    }

    private static void WriteSubframe(ref FlacBitWriter w, ReadOnlySpan<int> samples, Span<uint> residual)
    {
        var n = samples.Length;
        var constant = true;
        for (var i = 1; i < n && constant; i++)
        {
            constant = samples[i] == samples[0];
        }

        if (constant)
        {
            w.Write(0, 8);
            w.WriteSigned(samples[0], BitsPerSample);
            return;
        }

        var bestOrder = -1;
        var bestBits = 8L + ((long)n * BitsPerSample); // VERBATIM
        var bestPartitionOrder = 0;
        for (var order = 0; order <= 4 && order < n; order++)
        {
            Residual(samples, order, residual);
            var (bits, partitionOrder) = BestPartitioning(residual[order..n], n, order);
            bits += 8 + (order * BitsPerSample);
            if (bits < bestBits)
            {
                (bestBits, bestOrder, bestPartitionOrder) = (bits, order, partitionOrder);
            }
        }

        if (bestOrder < 0)
        {
            w.Write(0b00000010, 8);
            foreach (var s in samples)
            {
                w.WriteSigned(s, BitsPerSample);
            }

            return;
        }

        w.Write((uint)(0b0001_0000 | (bestOrder << 1)), 8);
        for (var i = 0; i < bestOrder; i++)
        {
            w.WriteSigned(samples[i], BitsPerSample);
        }

        Residual(samples, bestOrder, residual);
        w.Write(0, 2); // coding method: 4-bit Rice parameters
        w.Write((uint)bestPartitionOrder, 4);
        var partitions = 1 << bestPartitionOrder;
        var start = bestOrder;
        for (var p = 0; p < partitions; p++)
        {
            var end = (n >> bestPartitionOrder) * (p + 1);
            var part = residual[start..end];
            var k = BestRiceParameter(part, out _);
            w.Write((uint)k, 4);
            foreach (var u in part)
            {
                w.WriteUnary(u >> k);
                if (k > 0)
                {
                    w.Write(u & ((1u << k) - 1), k);
                }
            }

            start = end;
        }
    }

    /// <summary>Fixed predictor residuals (section 9.2.5), zigzag-mapped for Rice coding, from index order on.</summary>
    private static void Residual(ReadOnlySpan<int> x, int order, Span<uint> residual)
    {
        for (var i = order; i < x.Length; i++)
        {
            var e = order switch
            {
                0 => x[i],
                1 => x[i] - x[i - 1],
                2 => x[i] - (2 * x[i - 1]) + x[i - 2],
                3 => x[i] - (3 * x[i - 1]) + (3 * x[i - 2]) - x[i - 3],
                _ => x[i] - (4 * x[i - 1]) + (6 * x[i - 2]) - (4 * x[i - 3]) + x[i - 4],
            };
            residual[i] = (uint)((e << 1) ^ (e >> 31));
        }
    }

    /// <summary>
    /// Bits of the residual section for the best partition order: partition order p splits the block into
    /// 2^p equal parts, the first shortened by the predictor order, so it needs blockSize divisible by 2^p and
    /// parts no shorter than the order.
    /// </summary>
    private static (long Bits, int PartitionOrder) BestPartitioning(ReadOnlySpan<uint> residual, int blockSize, int order)
    {
        var best = (Bits: long.MaxValue, PartitionOrder: 0);
        for (var p = 0; p <= MaxPartitionOrder; p++)
        {
            var partitionSize = blockSize >> p;
            if (p > 0 && ((blockSize & ((1 << p) - 1)) != 0 || partitionSize <= order))
            {
                break;
            }

            long bits = 6;
            var start = 0;
            for (var part = 0; part < 1 << p; part++)
            {
                var end = (partitionSize * (part + 1)) - order;
                BestRiceParameter(residual[start..end], out var partBits);
                bits += 4 + partBits;
                start = end;
            }

            if (bits < best.Bits)
            {
                best = (bits, p);
            }
        }

        return best;
    }

    /// <summary>
    /// The smallest Rice parameter with the fewest bits. The cost is convex in k: the step from k to k+1 saves
    /// sum(ceil((u >> k) / 2)), which never grows with k, and costs one bit per value. So a walk from the
    /// estimate log2(mean) downhill finds the same minimum as trying every k, in two or three passes.
    /// </summary>
    private static int BestRiceParameter(ReadOnlySpan<uint> values, out long bits)
    {
        long sum = 0;
        foreach (var u in values)
        {
            sum += u;
        }

        var mean = values.IsEmpty ? 0 : sum / values.Length;
        var k = mean == 0 ? 0 : Math.Min(BitOperations.Log2((ulong)mean), MaxRiceParameter);
        bits = RiceBits(values, k);
        var moved = false;
        while (k > 0 && RiceBits(values, k - 1) is var lower && lower <= bits)
        {
            (k, bits, moved) = (k - 1, lower, true);
        }

        while (!moved && k < MaxRiceParameter && RiceBits(values, k + 1) is var higher && higher < bits)
        {
            (k, bits) = (k + 1, higher);
        }

        return k;
    }

    private static long RiceBits(ReadOnlySpan<uint> values, int k)
    {
        var cost = (long)values.Length * (k + 1);
        foreach (var u in values)
        {
            cost += u >> k;
        }

        return cost;
    }
}
