#!/usr/bin/env bash
# Builds the LiveMux container image to a tarball (docker load / podman load) with no container registry
# and no Docker engine: only Debian's apt mirror and the local .NET SDK.
#
#   1. a Debian bookworm base: `apt-get download` of the runtime libraries, unpacked with `dpkg -x`,
#      plus the ASP.NET Core runtime of the SDK that runs this script (what mcr's aspnet image holds);
#   2. that base served as an OCI image from 127.0.0.1 by serve_registry.py (the SDK pulls base images
#      only from registries; localhost is spoken to over plain HTTP);
#   3. `dotnet publish -t:PublishContainer` with ContainerBaseImage=localhost:<port>/... and
#      ContainerArchiveOutputPath, which writes the image as a tarball instead of pushing it.
#
# With registry access, plain `dotnet publish src/LiveMux.Server -t:PublishContainer` uses mcr's image.
#
# The tarball is an OCI image layout: `docker load -i` (Docker 25+) or `podman load -i` take it.
#
# Usage: deploy/container/build-tarball.sh [--verify] [output.tar]   (default artifacts/container/livemux.tar)
#        --verify: then check it and run it with verify-tarball.py (needs root: unshare/chroot)
# Env:   LIVEMUX_CONTAINER_WORK  work directory (default artifacts/container/work; .deb files are cached there)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
verify=false
if [[ ${1:-} == --verify ]]; then verify=true; shift; fi
out=$(realpath -m "${1:-$repo/artifacts/container/livemux.tar}")
work=$(realpath -m "${LIVEMUX_CONTAINER_WORK:-$repo/artifacts/container/work}")
python=/usr/bin/python3

for tool in apt-get dpkg-deb tar gzip sha256sum "$python" dotnet; do
  command -v "$tool" >/dev/null || { echo "build-tarball: $tool is required" >&2; exit 1; }
done

app_uid=1654   # the uid mcr's .NET images use for their non-root "app" user
packages=(libc6 libgcc-s1 libstdc++6 zlib1g libssl3 libicu72 ca-certificates tzdata)

# The runtime this SDK ships: the base carries the same ASP.NET Core version the app is built against.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
aspnet_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
netcore_version=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)
fxr_version=$(ls "$dotnet_root/host/fxr" | sort -V | tail -1)
[[ -n $aspnet_version && -n $netcore_version && -n $fxr_version ]] || { echo "build-tarball: no ASP.NET Core runtime under $dotnet_root" >&2; exit 1; }
base_tag="bookworm-aspnet$aspnet_version"

echo "build-tarball: base = Debian bookworm + ASP.NET Core $aspnet_version"
mkdir -p "$work/debs" "$(dirname "$out")"

# 1. The .deb files (cached; a fresh apt list is fetched only when a package is not found).
missing=()
for p in "${packages[@]}"; do
  compgen -G "$work/debs/${p}_*.deb" >/dev/null || missing+=("$p")
done
if ((${#missing[@]})); then
  (cd "$work/debs" && { apt-get download "${missing[@]}" 2>/dev/null || { apt-get update -qq && apt-get download "${missing[@]}"; }; })
fi

rootfs="$work/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs"
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$rootfs"
done

# What the packages' maintainer scripts would have done, and what a container needs.
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/lintian" "$rootfs/usr/share/locale"
mkdir -p "$rootfs"/{etc/ssl/certs,tmp,proc,dev,sys,root,var/lib/livemux,usr/bin,usr/share/dotnet/host/fxr,usr/share/dotnet/shared}
chmod 1777 "$rootfs/tmp"
cat "$rootfs"/usr/share/ca-certificates/mozilla/*.crt > "$rootfs/etc/ssl/certs/ca-certificates.crt"
ln -sf /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:%s:%s:app:/home/app:/usr/sbin/nologin\n' $app_uid $app_uid > "$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:%s:\n' $app_uid > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
cp -a "$dotnet_root/dotnet" "$rootfs/usr/share/dotnet/"
cp -a "$dotnet_root/host/fxr/$fxr_version" "$rootfs/usr/share/dotnet/host/fxr/"
mkdir -p "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$netcore_version" "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App/"
cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
ln -sf /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"

# 2. One layer (owned by root, except the data directory, which belongs to the app user), its config
#    and an OCI manifest, laid out for serve_registry.py.
registry="$work/registry"
rm -rf "$registry"
mkdir -p "$registry/blobs" "$registry/livemux-base/manifests"
layer_tar="$work/layer.tar"
tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar -C "$rootfs" "${tar_opts[@]}" --owner=0 --group=0 --exclude=./var/lib/livemux -cf "$layer_tar" .
tar -C "$rootfs" "${tar_opts[@]}" --owner=$app_uid --group=$app_uid --no-recursion -rf "$layer_tar" ./var/lib/livemux
diff_id=$(sha256sum "$layer_tar" | cut -d' ' -f1)
gzip -n -1 -c "$layer_tar" > "$work/layer.tar.gz"
rm -f "$layer_tar"
layer_digest=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar.gz")
mv "$work/layer.tar.gz" "$registry/blobs/sha256:$layer_digest"

cat > "$work/config.json" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP_UID=$app_uid","DOTNET_ROOT=/usr/share/dotnet","DOTNET_RUNNING_IN_CONTAINER=true","DOTNET_VERSION=$netcore_version","ASPNET_VERSION=$aspnet_version"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/container/build-tarball.sh: Debian bookworm ${packages[*]} + ASP.NET Core $aspnet_version"}]}
EOF
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
config_size=$(stat -c %s "$work/config.json")
mv "$work/config.json" "$registry/blobs/sha256:$config_digest"
cat > "$registry/livemux-base/manifests/$base_tag" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$layer_digest","size":$layer_size}]}
EOF

# 3. Serve it and let the SDK build the app image on top.
port_file="$work/registry.port"
rm -f "$port_file"
"$python" "$repo/deploy/container/serve_registry.py" "$registry" "$port_file" 2>"$work/registry.log" &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s $port_file ]] && break; sleep 0.1; done
[[ -s $port_file ]] || { echo "build-tarball: the local registry did not start:" >&2; cat "$work/registry.log" >&2; exit 1; }
port=$(cat "$port_file")

rm -f "$out"
echo "build-tarball: dotnet publish -t:PublishContainer on localhost:$port/livemux-base:$base_tag"
DOTNET_CONTAINER_INSECURE_REGISTRIES="localhost:$port" dotnet publish "$repo/src/LiveMux.Server" -c Release \
  -t:PublishContainer -p:ContainerBaseImage="localhost:$port/livemux-base:$base_tag" \
  -p:ContainerArchiveOutputPath="$out" -p:ContainerRuntimeIdentifier=linux-x64 \
  --artifacts-path "$work/build" -nologo -v:q
[[ -s $out ]] || { echo "build-tarball: publish wrote no $out" >&2; exit 1; }
echo "build-tarball: wrote $out ($(du -h "$out" | cut -f1)); load it with: docker load -i $out"
if $verify; then
  "$python" "$repo/deploy/container/verify-tarball.py" "$out" "$work/verify"
fi
