#!/usr/bin/env bash
# Records the RTP audio captures under tests/LiveMux.Media.Tests/TestData/Audio with GStreamer's own encoders and
# payloaders, as an independent reference for the depacketizers. Each capture is RFC 4571 framing (a 16-bit
# length before each RTP packet, from rtpstreampay); the .caps file beside it holds the payloader's caps, which
# carry what the SDP would (config=, sizelength=, sprop-stereo=, ...). Rerun only to change the recordings.
set -euo pipefail
out="$(cd "$(dirname "$0")/../LiveMux.Media.Tests/TestData/Audio" && pwd)"

record() { # name, pipeline up to the payloader (whose caps are kept)
  local name=$1 pipeline=$2
  local log
  log=$(gst-launch-1.0 -v $pipeline ! rtpstreampay ! filesink location="$out/$name.rtp" 2>&1)
  grep -m1 -o 'pay0.GstPad:src: caps = application/x-rtp.*' <<<"$log" | sed 's/^pay0.GstPad:src: caps = //' > "$out/$name.caps"
  echo "$name: $(stat -c %s "$out/$name.rtp") bytes, $(cat "$out/$name.caps" | cut -c1-80)..."
}

tone="audiotestsrc wave=sine freq=523 volume=0.5"
# 2 s of AAC-LC stereo 44.1 kHz, one AU per packet.
record aac_lc_44100_stereo "$tone num-buffers=86 samplesperbuffer=1024 ! audio/x-raw,rate=44100,channels=2 ! avenc_aac bitrate=128000 ! rtpmp4gpay name=pay0"
# AAC-LC mono 48 kHz at a small MTU, so most AUs are fragmented over two or three packets.
record aac_lc_48000_mono_fragmented "$tone num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=1 ! avenc_aac bitrate=160000 ! rtpmp4gpay name=pay0 mtu=200"
# The same AAC as MP4A-LATM (RFC 6416, cpresent=0), whole and at a small MTU (elements fragmented).
record latm_44100_stereo "$tone num-buffers=86 samplesperbuffer=1024 ! audio/x-raw,rate=44100,channels=2 ! avenc_aac bitrate=128000 ! rtpmp4apay name=pay0"
record latm_48000_mono_fragmented "$tone num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=1 ! avenc_aac bitrate=160000 ! rtpmp4apay name=pay0 mtu=200"
# Opus stereo, 20 ms packets.
record opus_stereo_20ms "$tone num-buffers=100 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ! opusenc frame-size=20 ! rtpopuspay name=pay0"
# Opus mono, 60 ms packets (SILK/hybrid frames at a low bitrate).
record opus_mono_60ms "$tone num-buffers=100 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1 ! opusenc frame-size=60 bitrate=16000 audio-type=voice ! rtpopuspay name=pay0"
# G.711 at 8 kHz mono, 20 ms packets.
record pcma_8000 "$tone num-buffers=100 samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay0 min-ptime=20000000 max-ptime=20000000"
record pcmu_8000 "$tone num-buffers=100 samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay0 min-ptime=20000000 max-ptime=20000000"
