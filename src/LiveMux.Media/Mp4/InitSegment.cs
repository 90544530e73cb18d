namespace LiveMux.Media.Mp4;

/// <summary>
/// The initialization segment of a fragmented MP4 (ISO/IEC 14496-12, ISO/IEC 23009-1 for the MSE profile):
/// <code>
/// ftyp
/// moov
///   mvhd
///   trak (one per track; id = index + 1)
///     tkhd, [edts { elst }], mdia { mdhd, hdlr, minf { vmhd|smhd, dinf, stbl { stsd(entry), empty stts stsc stsz stco } } }
///   mvex { trex per track }
/// </code>
/// Sample tables are empty because every sample lives in a fragment. edts only on request (see the overload).
/// </summary>
public static class InitSegment
{
    public static byte[] Build(IReadOnlyList<TrackConfig> tracks) => Build(tracks, default);

    /// <summary>
    /// An init segment whose tracks start presentation at <paramref name="editMediaTimes"/>[i] (in each
    /// track's timescale), through a one-entry edit list (14496-12 8.6.6). A viewer that joins a running
    /// stream then sees a timeline that starts at 0, as players that never seek (go2rtc's) expect,
    /// while every media fragment stays shared with the other viewers.
    /// </summary>
    public static byte[] Build(IReadOnlyList<TrackConfig> tracks, ReadOnlySpan<long> editMediaTimes)
    {
        var size = 1024;
        foreach (var track in tracks)
        {
            size += 512 + track.SampleEntry.Length;
        }

        var buffer = new byte[size];
        var w = new BoxWriter(buffer);

        var ftyp = w.Begin(FourCc.Ftyp);
        w.U32(FourCc.Iso5);
        w.U32(512);
        w.U32(FourCc.Iso5);
        w.U32(FourCc.Iso6);
        w.U32(FourCc.Mp41);
        w.End(ftyp);

        var moov = w.Begin(FourCc.Moov);
        WriteMvhd(ref w, tracks.Count + 1);
        for (var i = 0; i < tracks.Count; i++)
        {
            WriteTrak(ref w, (uint)(i + 1), tracks[i], i < editMediaTimes.Length ? editMediaTimes[i] : null);
        }

        var mvex = w.Begin(FourCc.Mvex);
        for (var i = 0; i < tracks.Count; i++)
        {
            var trex = w.BeginFull(FourCc.Trex, 0, 0);
            w.U32((uint)(i + 1));
            w.U32(1); // default_sample_description_index
            w.U32(0);
            w.U32(0);
            w.U32(0);
            w.End(trex);
        }

        w.End(mvex);
        w.End(moov);
        return buffer.AsSpan(0, w.Position).ToArray();
    }

    private static void WriteMvhd(ref BoxWriter w, int nextTrackId)
    {
        var mvhd = w.BeginFull(FourCc.Mvhd, 0, 0);
        w.U32(0); // creation_time
        w.U32(0); // modification_time
        w.U32(1000); // timescale
        w.U32(0); // duration: unknown, live
        w.U32(0x00010000); // rate 1.0
        w.U16(0x0100); // volume 1.0
        w.Zeros(10);
        WriteMatrix(ref w);
        w.Zeros(24); // pre_defined
        w.U32((uint)nextTrackId);
        w.End(mvhd);
    }

    private static void WriteTrak(ref BoxWriter w, uint trackId, TrackConfig track, long? editMediaTime)
    {
        var video = track.Kind == TrackKind.Video;
        var trak = w.Begin(FourCc.Trak);

        var tkhd = w.BeginFull(FourCc.Tkhd, 0, 0x000003); // enabled, in movie
        w.U32(0);
        w.U32(0);
        w.U32(trackId);
        w.U32(0); // reserved
        w.U32(0); // duration
        w.Zeros(8);
        w.U16(0); // layer
        w.U16(0); // alternate_group
        w.U16(video ? (ushort)0 : (ushort)0x0100);
        w.U16(0);
        WriteMatrix(ref w);
        w.U32(video ? (uint)track.Width << 16 : 0);
        w.U32(video ? (uint)track.Height << 16 : 0);
        w.End(tkhd);

        if (editMediaTime is { } mediaTime)
        {
            // segment_duration 0: the edit spans the whole (fragmented, open-ended) track.
            var edts = w.Begin(FourCc.Edts);
            var elst = w.BeginFull(FourCc.Elst, 1, 0);
            w.U32(1);
            w.U64(0);
            w.U64((ulong)mediaTime);
            w.U16(1); // media_rate_integer
            w.U16(0);
            w.End(elst);
            w.End(edts);
        }

        var mdia = w.Begin(FourCc.Mdia);
        var mdhd = w.BeginFull(FourCc.Mdhd, 0, 0);
        w.U32(0);
        w.U32(0);
        w.U32((uint)track.Timescale);
        w.U32(0);
        w.U16(0x55C4); // language "und"
        w.U16(0);
        w.End(mdhd);

        var hdlr = w.BeginFull(FourCc.Hdlr, 0, 0);
        w.U32(0);
        w.U32(video ? FourCc.Vide : FourCc.Soun);
        w.Zeros(12);
        w.Bytes(video ? "VideoHandler\0"u8 : "SoundHandler\0"u8);
        w.End(hdlr);

        var minf = w.Begin(FourCc.Minf);
        if (video)
        {
            var vmhd = w.BeginFull(FourCc.Vmhd, 0, 1);
            w.Zeros(8);
            w.End(vmhd);
        }
        else
        {
            var smhd = w.BeginFull(FourCc.Smhd, 0, 0);
            w.Zeros(4);
            w.End(smhd);
        }

        var dinf = w.Begin(FourCc.Dinf);
        var dref = w.BeginFull(FourCc.Dref, 0, 0);
        w.U32(1);
        var url = w.BeginFull(FourCc.Url, 0, 1); // media is in this file
        w.End(url);
        w.End(dref);
        w.End(dinf);

        var stbl = w.Begin(FourCc.Stbl);
        var stsd = w.BeginFull(FourCc.Stsd, 0, 0);
        w.U32(1);
        w.Bytes(track.SampleEntry);
        w.End(stsd);
        foreach (var empty in (ReadOnlySpan<uint>)[FourCc.Stts, FourCc.Stsc, FourCc.Stco])
        {
            var box = w.BeginFull(empty, 0, 0);
            w.U32(0);
            w.End(box);
        }

        var stsz = w.BeginFull(FourCc.Stsz, 0, 0);
        w.U32(0);
        w.U32(0);
        w.End(stsz);
        w.End(stbl);
        w.End(minf);
        w.End(mdia);
        w.End(trak);
    }

    private static void WriteMatrix(ref BoxWriter w)
    {
        w.U32(0x00010000);
        w.Zeros(12);
        w.U32(0x00010000);
        w.Zeros(12);
        w.U32(0x40000000);
    }
}
