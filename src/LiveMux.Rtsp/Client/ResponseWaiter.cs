using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// Frame handler while a request waits for its response: stops at the response, or when the camera's own
/// requests fill the inbox (they are answered, then reading goes on). Everything else is charged to the inbox's
/// pre-PLAY budget: interleaved data before PLAY is dropped, a late answer to an earlier request ignored.
/// </summary>
internal sealed class ResponseWaiter(int cseq, ServerRequestInbox inbox) : IRtspFrameHandler
{
    public RtspResponse? Response { get; private set; }
    public int DroppedFrames { get; private set; }

    public bool OnFrame(in RtspFrame frame)
    {
        switch (frame.Kind)
        {
            // Requests are sequential here, so a response without CSeq can only answer ours.
            case RtspFrameKind.Response when frame.Response!.CSeq == cseq || frame.Response.CSeq == -1:
                Response = frame.Response;
                return true;
            case RtspFrameKind.Request:
                return inbox.Hold(frame);
            case RtspFrameKind.Interleaved:
                inbox.Charge(frame.WireLength);
                DroppedFrames++;
                return false;
            default:
                inbox.Charge(frame.WireLength);
                return false;
        }
    }
}
