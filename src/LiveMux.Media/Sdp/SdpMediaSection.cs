namespace LiveMux.Media.Sdp;

/// <summary>
/// One m= section to write (RFC 8866 section 5.14): what a sender announces for one RTP track. The attribute
/// lines come from the track's format (<c>MediaFormat.SdpSection</c>: its a=rtpmap and a=fmtp), then any the
/// sender adds; this type only carries them to <see cref="SessionDescriptionWriter"/>.
/// <code>
///   m=video 0 RTP/AVP 96          (MediaType, PayloadType)
///   a=rtpmap:96 H264/90000        (Attributes, in order, without "a=")
///   a=fmtp:96 packetization-mode=1;profile-level-id=4D401E;sprop-parameter-sets=Z01AHp..,aO48gA==
///   a=framerate:30
///   a=control:trackID=0           (added by the writer)
/// </code>
/// </summary>
public sealed record SdpMediaSection(string MediaType, int PayloadType, IReadOnlyList<string> Attributes);
