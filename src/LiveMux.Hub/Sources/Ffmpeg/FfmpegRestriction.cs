namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// What an ffmpeg source added through the REST API may open, enforced by ffmpeg itself:
/// <code>
///   network input   -protocol_whitelist rtsp,rtsps,rtmp,...,tcp,tls,udp      (no file, pipe, fd, concat, data, ...)
///   media file      -protocol_whitelist file -format_whitelist mov,mpegts,...  (no playlist or concat demuxer)
/// </code>
/// so a playlist, a redirect or a nested demuxer cannot reach a local file the API could not name. Set by the
/// server on the streams of the API's streams file; never bound from configuration, whose streams keep ffmpeg's
/// full power.
/// </summary>
internal sealed record FfmpegRestriction
{
    /// <summary>What the network protocols of the API's URL schemes open underneath (RTSP's RTP over UDP, TLS, HLS keys).</summary>
    public const string NetworkProtocols = "rtsp,rtsps,rtmp,rtmps,rtmpt,rtmpts,ffrtmphttp,http,https,httpproxy,srt,tcp,tls,udp,rtp,srtp,crypto";

    public const string FileProtocols = "file";

    /// <summary>Single-file containers: no demuxer that opens further inputs (hls, dash, concat, image2, sdp, tee).</summary>
    public const string FileFormats = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,flv,live_flv,avi,h264,hevc,mjpeg,aac,mp3,ogg,wav";

    /// <summary>The directory the input must lie in (after symbolic links), for a media file; null for a network input.</summary>
    public string? MediaDirectory { get; init; }

    public string ProtocolWhitelist => MediaDirectory is null ? NetworkProtocols : FileProtocols;

    public string? FormatWhitelist => MediaDirectory is null ? null : FileFormats;
}
