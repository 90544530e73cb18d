namespace LiveMux.Media.Mp4;

/// <summary>
/// One movie fragment holding one sample (ISO/IEC 14496-12 8.8), after its producer reference time (8.16.5):
/// <code>
/// prft    version 1: track_ID, NTP time the access unit was received, its presentation time (tfdt + cto)
/// moof
///   mfhd  sequence_number
///   traf
///     tfhd  flags 0x020000 default-base-is-moof; track_ID
///     tfdt  version 1: 64-bit baseMediaDecodeTime (32 bits at 90 kHz wrap after 13 h)
///     trun  version 1, flags data-offset|duration|size|flags|composition-offset; one sample
/// mdat    the sample
/// </code>
/// trun version 1 makes the composition offset signed, which B-frames need. data_offset counts from the
/// start of moof, so it is moof's size plus mdat's 8-byte header; the prft before moof does not count.
/// </summary>
public static class MediaFragment
{
    public const int HeaderSize = ProducerReferenceTime.Size + MoofSize + 8;

    private const int MoofSize = 8 + 16 + 8 + 16 + 20 + 36;

    /// <summary>sample_depends_on = 2: decodable alone.</summary>
    public const uint SyncSampleFlags = 0x02000000;

    /// <summary>sample_depends_on = 1 and sample_is_non_sync_sample.</summary>
    public const uint NonSyncSampleFlags = 0x01010000;

    /// <summary>Writes the prft, moof and mdat header for one sample; the sample bytes follow at <see cref="HeaderSize"/>.</summary>
    public static void WriteHeader(Span<byte> destination, in FragmentHeader header)
    {
        var presentation = (long)header.BaseMediaDecodeTime + header.CompositionOffset;
        ProducerReferenceTime.Write(destination, header.TrackId, header.ReceivedNtp, (ulong)Math.Max(0, presentation));
        var w = new BoxWriter(destination[ProducerReferenceTime.Size..]);
        var moof = w.Begin(FourCc.Moof);
        var mfhd = w.BeginFull(FourCc.Mfhd, 0, 0);
        w.U32(header.SequenceNumber);
        w.End(mfhd);

        var traf = w.Begin(FourCc.Traf);
        var tfhd = w.BeginFull(FourCc.Tfhd, 0, 0x020000);
        w.U32(header.TrackId);
        w.End(tfhd);

        var tfdt = w.BeginFull(FourCc.Tfdt, 1, 0);
        w.U64(header.BaseMediaDecodeTime);
        w.End(tfdt);

        var trun = w.BeginFull(FourCc.Trun, 1, 0x000F01);
        w.U32(1); // sample_count
        w.I32(MoofSize + 8); // data_offset, from the moof's first byte
        w.U32(header.Duration);
        w.U32((uint)header.SampleSize);
        w.U32(header.IsSync ? SyncSampleFlags : NonSyncSampleFlags);
        w.I32(header.CompositionOffset);
        w.End(trun);
        w.End(traf);
        w.End(moof);

        w.U32((uint)(8 + header.SampleSize));
        w.U32(FourCc.Mdat);
    }

    /// <summary>Writes the whole fragment: header then sample. Returns the bytes written.</summary>
    public static int Write(Span<byte> destination, in FragmentHeader header, ReadOnlySpan<byte> sample)
    {
        WriteHeader(destination, header);
        sample.CopyTo(destination[HeaderSize..]);
        return HeaderSize + sample.Length;
    }
}

/// <summary>What one fragment says about its sample; <c>ReceivedNtp</c> is the prft's wall-clock time (NTP format).</summary>
public readonly record struct FragmentHeader(
    uint SequenceNumber,
    uint TrackId,
    ulong BaseMediaDecodeTime,
    uint Duration,
    int SampleSize,
    bool IsSync,
    int CompositionOffset = 0,
    ulong ReceivedNtp = 0);
