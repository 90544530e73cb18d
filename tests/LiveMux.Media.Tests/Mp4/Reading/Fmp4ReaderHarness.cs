using System.Buffers;
using LiveMux.Media.Mp4.Reading;

namespace LiveMux.Media.Tests.Mp4.Reading;

/// <summary>What a reader made of a whole input: its tracks, its samples (bytes copied out) and how it ended.</summary>
internal sealed record ReadOutcome(IReadOnlyList<Fmp4Track> Tracks, List<ReadSample> Samples, Fmp4Status Last, string? Error, long Unconsumed);

internal sealed record ReadSample(int Track, byte[] Data, long Dts, long Pts, uint Duration, bool Sync);

internal static class Fmp4ReaderHarness
{
    /// <summary>
    /// Feeds <paramref name="input"/> the way a PipeReader would: a growing buffer (at least 512 bytes more per
    /// read) made of segments of <paramref name="segment"/> bytes, so every box also spans segment boundaries.
    /// </summary>
    public static ReadOutcome Read(byte[] input, int segment = int.MaxValue, Fmp4Limits? limits = null)
    {
        using var reader = new Fmp4Reader(limits);
        var samples = new List<ReadSample>();
        var consumed = 0L;
        var available = 0;
        var last = Fmp4Status.NeedMore;
        while (true)
        {
            available = (int)Math.Min(input.Length, available + (long)Math.Max(segment, 512));
            var buffer = Sequence(input.AsMemory((int)consumed, available - (int)consumed), segment);
            while (true)
            {
                last = reader.TryRead(ref buffer);
                while (reader.TryTakeSample(out var s))
                {
                    using var unit = s.Unit;
                    samples.Add(new ReadSample(s.TrackIndex, unit.Data.ToArray(), unit.DecodeTimestamp, unit.Timestamp, s.Duration, unit.IsKeyframe));
                }

                if (last is Fmp4Status.NeedMore or Fmp4Status.Error)
                {
                    break;
                }
            }

            consumed = available - buffer.Length;
            if (last == Fmp4Status.Error || available == input.Length)
            {
                return new ReadOutcome(reader.Tracks, samples, last, reader.Error, input.Length - consumed);
            }
        }
    }

    private static ReadOnlySequence<byte> Sequence(ReadOnlyMemory<byte> data, int segment)
    {
        if (segment >= data.Length)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < data.Length; i += segment)
        {
            var chunk = data.Slice(i, Math.Min(segment, data.Length - i));
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
