#!/usr/bin/env bash
# Records small real H.264 and H.265 RTP streams from GStreamer's encoders and payloaders as fuzz seeds
# (tests/LiveMux.Media.Tests/TestData/Fuzz/rtp-h264, rtp-h265): RFC 4571 framing (rtpstreampay) in name.rtp and the
# SDP a camera would announce for the payloader's caps in name.sdp. 160x120, a keyframe every 3 frames, MTU 400 so
# keyframes are fragmented, parameter sets in band (config-interval=-1). Rerun only to change the recordings.
set -euo pipefail
root="$(cd "$(dirname "$0")/../LiveMux.Media.Tests/TestData/Fuzz" && pwd)"

record() { # dir, name, codec, encoder and payloader
  local dir=$1 name=$2 codec=$3 chain=$4 log fmtp
  log=$(gst-launch-1.0 -v videotestsrc num-buffers=5 pattern=ball ! video/x-raw,width=160,height=120,framerate=30/1 \
    ! $chain name=pay0 mtu=400 config-interval=-1 ! rtpstreampay ! filesink location="$root/$dir/$name.rtp" 2>&1)
  # The payloader's caps carry the fmtp parameters (packetization-mode, sprop-parameter-sets, ...), GStreamer-escaped.
  fmtp=$(grep -m1 -o 'pay0.GstPad:src: caps = application/x-rtp.*' <<<"$log" \
    | grep -o -E '(packetization-mode|sprop-parameter-sets|profile-level-id|sprop-vps|sprop-sps|sprop-pps)=\(string\)("[^"]*"|[^,]*)' \
    | sed -E 's/\(string\)//; s/"//g; s/\\//g' | paste -sd ';' || true)
  printf 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=%s\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 %s/90000\r\n%sa=control:trackID=0\r\n' \
    "$name" "$codec" "${fmtp:+a=fmtp:96 $fmtp$'\r\n'}" > "$root/$dir/$name.sdp"
  echo "$dir/$name: $(stat -c %s "$root/$dir/$name.rtp") bytes, fmtp: ${fmtp:-none}"
}

record rtp-h264 gst_x264_baseline "H264" "x264enc key-int-max=3 bframes=0 tune=zerolatency speed-preset=ultrafast ! rtph264pay"
record rtp-h264 gst_x264_main_bframes "H264" "x264enc key-int-max=3 bframes=2 speed-preset=ultrafast ! video/x-h264,profile=main ! rtph264pay"
record rtp-h265 gst_x265 "H265" "x265enc key-int-max=3 speed-preset=ultrafast tune=zerolatency ! rtph265pay"
