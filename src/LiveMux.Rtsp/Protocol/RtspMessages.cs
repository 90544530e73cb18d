using System.Globalization;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Protocol;

/// <summary>A parsed response. Owns its memory (copied out of the receive buffer).</summary>
internal sealed class RtspResponse
{
    public required int StatusCode { get; init; }
    public required string Reason { get; init; }
    public required RtspHeaders Headers { get; init; }
    public required byte[] Body { get; init; }

    /// <summary>-1 when the header is missing or not a number.</summary>
    public int CSeq => ParseCSeq(Headers);

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    internal static int ParseCSeq(RtspHeaders headers) =>
        int.TryParse(headers["CSeq"], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture, out var cseq) ? cseq : -1;
}

/// <summary>A request sent by the server (RFC 2326 allows OPTIONS, ANNOUNCE, GET/SET_PARAMETER, REDIRECT).</summary>
internal sealed class RtspServerRequest
{
    public required string Method { get; init; }
    public required string Uri { get; init; }
    public required RtspHeaders Headers { get; init; }
    /// <summary>Empty when the body was longer than <see cref="RtspReaderLimits.MaxRequestBodyBytes"/>: read past, not kept.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The body's Content-Length, also when it was not kept.</summary>
    public int BodyLength { get; init; }

    public bool BodyDiscarded => BodyLength > Body.Length;

    public int CSeq => RtspResponse.ParseCSeq(Headers);
}

internal enum RtspFrameKind
{
    Response,
    Request,
    Interleaved,
}

/// <summary>
/// One unit on an RTSP-over-TCP connection. For <see cref="RtspFrameKind.Interleaved"/>, <see cref="Payload"/>
/// is a view of the receive buffer, valid only until the reader advances.
/// </summary>
internal readonly struct RtspFrame
{
    public RtspFrameKind Kind { get; private init; }
    public RtspResponse? Response { get; private init; }
    public RtspServerRequest? Request { get; private init; }
    public byte Channel { get; private init; }
    public System.Buffers.ReadOnlySequence<byte> Payload { get; private init; }

    /// <summary>The bytes the frame took on the wire (headers, body and framing), kept or not.</summary>
    public long WireLength { get; private init; }

    public static RtspFrame ForResponse(RtspResponse response, long wireLength = 0) =>
        new() { Kind = RtspFrameKind.Response, Response = response, WireLength = wireLength };

    public static RtspFrame ForRequest(RtspServerRequest request, long wireLength = 0) =>
        new() { Kind = RtspFrameKind.Request, Request = request, WireLength = wireLength };

    public static RtspFrame ForInterleaved(byte channel, System.Buffers.ReadOnlySequence<byte> payload) =>
        new() { Kind = RtspFrameKind.Interleaved, Channel = channel, Payload = payload, WireLength = 4 + payload.Length };

    public RtspFrame WithWireLength(long wireLength) => this with { WireLength = wireLength };
}

/// <summary>
/// Hard limits for <see cref="RtspMessageReader"/>. A request from the server (a camera's GET_PARAMETER, ANNOUNCE)
/// keeps its body only up to <paramref name="MaxRequestBodyBytes"/>: a longer one is read past and dropped, since
/// the client answers requests without looking at their bodies. <paramref name="MaxHeaderCount"/> bounds the header
/// lines of one message (a peer could otherwise send thousands of tiny headers within the byte limit).
/// </summary>
internal readonly record struct RtspReaderLimits(
    int MaxHeaderBytes, int MaxBodyBytes, int MaxInterleavedFrameBytes, int MaxRequestBodyBytes = 4096, int MaxHeaderCount = 100)
{
    public static RtspReaderLimits From(RtspClientOptions options) =>
        new(options.MaxHeaderBytes, options.MaxBodyBytes, options.MaxInterleavedFrameBytes, options.MaxRequestBodyBytes);
}
