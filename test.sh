#!/usr/bin/env bash
# Runs every LiveMux test on a Debian 12 machine with the .NET 10 SDK, installing what the tests need.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Media]
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  ffmpeg                               # ffprobe/ffmpeg judge our MP4
  chromium                             # the player runs in headless Chromium
  python3-gi python3-numpy             # the test camera script
  gir1.2-gst-rtsp-server-1.0           # GStreamer's RTSP server: the real camera
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  gstreamer1.0-libav                   # avenc_aac for the camera's AAC track
  curl iproute2 procps                 # deploy/container/verify-tarball.py runs the image (with unshare, util-linux)
  systemd                              # systemd-analyze checks deploy/livemux.service
  prometheus                           # promtool judges /metrics
  python3-prometheus-client            # the Python client's parser reads /metrics too
  nodejs                               # node --test runs the browser player's unit tests (tests/player)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

echo "test.sh: test camera self-test"
/usr/bin/python3 -m unittest discover -s tests/tools

echo "test.sh: player unit tests"
node --test tests/player/*.test.mjs

echo "test.sh: dotnet test"
# One test project at a time (-m:1): the real cameras, ffmpeg and Chromium of one project must not starve
# another's of the machine's cores, or timing-sensitive tests measure the neighbours instead of LiveMux.
dotnet test LiveMux.sln -c Release -m:1 --logger "console;verbosity=normal" "$@"
