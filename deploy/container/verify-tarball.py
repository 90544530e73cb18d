#!/usr/bin/python3
"""Checks a LiveMux image tarball without a container engine, then runs it.

1. Structure: an OCI image layout (index.json) or a docker-archive (manifest.json); every blob's sha256
   matches its digest, every layer's uncompressed sha256 matches the config's diff_ids; the config has an
   entrypoint, exposes 8080/tcp, sets ASPNETCORE_URLS and LiveMux__StreamsFile, and a non-root user.
2. Run: the layers are unpacked into a root file system, and the entrypoint runs there as the image's user
   and working directory, with the image's environment, in its own mount, pid and network namespaces
   (unshare: root is needed). Then GET / and /api/streams on 127.0.0.1:8080 inside that network namespace
   (nsenter + curl), and SIGTERM, after which the server must exit 0.

Usage: verify-tarball.py <image.tar> [work-dir]      Exit 0 when every check passes.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time


def fail(message):
    print(f"verify-tarball: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"verify-tarball: ok: {message}")


def read_image(path):
    with tarfile.open(path) as archive:
        files = {m.name.lstrip("./"): archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}

    def blob(digest):
        algorithm, hex_digest = digest.split(":", 1)
        data = files.get(f"blobs/{algorithm}/{hex_digest}")
        if data is None:
            fail(f"blob {digest} missing")
        check(hashlib.sha256(data).hexdigest() == hex_digest, f"blob {digest[:19]} matches its digest")
        return data

    if "index.json" in files:
        index = json.loads(files["index.json"])
        check(len(index.get("manifests", [])) >= 1, "index.json lists a manifest")
        manifest = json.loads(blob(index["manifests"][0]["digest"]))
        config = json.loads(blob(manifest["config"]["digest"]))
        layers = [blob(layer["digest"]) for layer in manifest["layers"]]
    elif "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])[0]
        config = json.loads(files[manifest["Config"]])
        layers = [files[name] for name in manifest["Layers"]]
    else:
        fail("neither index.json (OCI layout) nor manifest.json (docker archive) in the tarball")
    return config, layers


def unpack(layers, diff_ids, rootfs):
    check(len(layers) == len(diff_ids), f"{len(layers)} layers, one diff_id each")
    for data, diff_id in zip(layers, diff_ids):
        raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        check("sha256:" + hashlib.sha256(raw).hexdigest() == diff_id, f"layer {diff_id[:19]} matches its diff_id")
        with tarfile.open(fileobj=io.BytesIO(raw)) as layer:
            for member in layer.getmembers():
                name = os.path.normpath(member.name).lstrip("/")
                base = os.path.basename(name)
                if base.startswith(".wh."):
                    target = os.path.join(rootfs, os.path.dirname(name), base[4:])
                    if base != ".wh..wh..opq" and os.path.lexists(target):
                        shutil.rmtree(target) if os.path.isdir(target) and not os.path.islink(target) else os.remove(target)
                    continue
                layer.extract(member, rootfs, set_attrs=True, numeric_owner=True)


def run(config, rootfs):
    cfg = config["config"]
    command = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
    user = cfg.get("User", "0")
    uid, _, gid = user.partition(":")
    gid = gid or uid
    check(uid.isdigit(), f"user {user} is numeric")
    workdir = cfg.get("WorkingDir") or "/"
    env = dict(e.split("=", 1) for e in cfg.get("Env", []))

    # Fresh mount/pid/net namespaces: /proc and /dev for the runtime, loopback up, then chroot + setuid.
    inner = (
        'mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" && ip link set lo up && '
        'exec unshare --root="$R" --wd="$W" --setuid "$U" --setgid "$G" -- "$@"'
    )
    launcher = ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "/bin/sh", "-c", inner, "sh", *command]
    log_path = os.path.join(os.path.dirname(rootfs), "server.log")
    log = open(log_path, "wb")
    host_env = dict(env, R=rootfs, W=workdir, U=uid, G=gid)
    host_env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    process = subprocess.Popen(launcher, env=host_env, stdout=log, stderr=subprocess.STDOUT)
    print(f"verify-tarball: started {' '.join(command)} as {uid}:{gid} in {workdir} (log {log_path})")

    def curl(path):
        result = subprocess.run(
            ["nsenter", f"--net=/proc/{process.pid}/ns/net", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", f"http://127.0.0.1:8080{path}"],
            capture_output=True, text=True)
        return result.stdout.strip()

    try:
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline and process.poll() is None:
            status = curl("/")
            if status == "200":
                break
            time.sleep(0.3)
        log.flush()
        server_log = open(log_path, encoding="utf-8", errors="replace").read()
        check(status == "200", f"GET / answered 200 inside the image (got {status or 'nothing'})\n{server_log}" if status != "200" else "GET / answered 200 inside the image")
        api = curl("/api/streams")
        check(api in ("200", "401", "403"), f"GET /api/streams answered {api}")
        health = curl("/healthz")
        check(health in ("200", "404"), f"GET /healthz answered {health}")

        # The server is the namespace's only process tree: unshare -> (exec'd) dotnet.
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout.split()
        check(len(children) == 1, f"one server process under unshare ({children})")
        os.kill(int(children[0]), signal.SIGTERM)
        code = process.wait(timeout=15)
        check(code == 0, f"SIGTERM: the server exited with code {code}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def main():
    if len(sys.argv) < 2:
        fail("usage: verify-tarball.py <image.tar> [work-dir]")
    for tool in ("unshare", "nsenter", "curl", "ip", "ps"):
        if shutil.which(tool) is None:
            fail(f"{tool} is required")
    config, layers = read_image(sys.argv[1])
    cfg = config.get("config", {})
    env = dict(e.split("=", 1) for e in cfg.get("Env", []))
    check(config.get("os") == "linux" and config.get("architecture") == "amd64", "linux/amd64 image")
    check(bool(cfg.get("Entrypoint")), f"entrypoint {cfg.get('Entrypoint')}")
    check("8080/tcp" in cfg.get("ExposedPorts", {}), "exposes 8080/tcp")
    check(env.get("ASPNETCORE_URLS") == "http://+:8080", "ASPNETCORE_URLS=http://+:8080")
    check(env.get("LiveMux__StreamsFile") == "/var/lib/livemux/streams.json", "LiveMux__StreamsFile=/var/lib/livemux/streams.json")
    check(cfg.get("User", "0").split(":")[0] not in ("", "0", "root"), f"runs as non-root user {cfg.get('User')}")

    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="livemux-image-")
    rootfs = os.path.join(work, "rootfs")
    shutil.rmtree(rootfs, ignore_errors=True)
    os.makedirs(rootfs)
    unpack(layers, config["rootfs"]["diff_ids"], rootfs)
    data = os.stat(os.path.join(rootfs, "var/lib/livemux"))
    check(str(data.st_uid) == cfg["User"].split(":")[0], f"/var/lib/livemux belongs to the app user ({data.st_uid})")
    run(config, rootfs)
    print("verify-tarball: PASS")


main()
