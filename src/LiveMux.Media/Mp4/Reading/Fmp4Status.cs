namespace LiveMux.Media.Mp4.Reading;

public enum Fmp4Status
{
    /// <summary>The buffer holds no whole box yet.</summary>
    NeedMore,

    /// <summary>A moov was read: <see cref="Fmp4Reader.Tracks"/> describes the new tracks.</summary>
    Init,

    /// <summary>An mdat was read: take its samples with <see cref="Fmp4Reader.TryTakeSample"/>.</summary>
    Samples,

    /// <summary>A box that carries nothing to demux (ftyp, moof, free, udta, ...) was consumed.</summary>
    Skipped,

    /// <summary>The input is broken or exceeds a limit; <see cref="Fmp4Reader.Error"/> says how. The reader stays failed.</summary>
    Error,
}

public enum Fmp4ErrorKind
{
    None,
    BoxTooLarge,
    Malformed,
    FragmentBeforeInit,
    TooManyTracks,
    TooManySamples,
    SampleOutsideMdat,
    Unsupported,
}
