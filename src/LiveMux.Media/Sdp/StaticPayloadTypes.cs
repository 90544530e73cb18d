namespace LiveMux.Media.Sdp;

/// <summary>Static RTP payload types (RFC 3551 section 6, table 4 and 5) that need no a=rtpmap.</summary>
internal static class StaticPayloadTypes
{
    public static bool TryGet(int payloadType, out string encodingName, out int clockRate, out int channels)
    {
        channels = 1;
        (encodingName, clockRate) = payloadType switch
        {
            0 => ("PCMU", 8000),
            3 => ("GSM", 8000),
            4 => ("G723", 8000),
            5 => ("DVI4", 8000),
            6 => ("DVI4", 16000),
            7 => ("LPC", 8000),
            8 => ("PCMA", 8000),
            // G.722 samples at 16 kHz but its RTP clock is 8 kHz by an RFC 1890 mistake kept for compatibility.
            9 => ("G722", 8000),
            10 => ("L16", 44100),
            11 => ("L16", 44100),
            12 => ("QCELP", 8000),
            13 => ("CN", 8000),
            14 => ("MPA", 90000),
            15 => ("G728", 8000),
            16 => ("DVI4", 11025),
            17 => ("DVI4", 22050),
            18 => ("G729", 8000),
            25 => ("CELB", 90000),
            26 => ("JPEG", 90000),
            28 => ("NV", 90000),
            31 => ("H261", 90000),
            32 => ("MPV", 90000),
            33 => ("MP2T", 90000),
            34 => ("H263", 90000),
            _ => ("", 0),
        };
        if (payloadType == 10)
        {
            channels = 2;
        }
        return clockRate != 0;
    }
}
