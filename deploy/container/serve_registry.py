#!/usr/bin/python3
"""A read-only OCI distribution endpoint over a directory, so `dotnet publish -t:PublishContainer` can pull
a locally assembled base image without a registry service or internet access.

Layout served (OCI distribution spec, pull subset: GET/HEAD of manifests and blobs):

    <root>/<repository>/manifests/<tag>         -> the manifest JSON
    <root>/blobs/sha256:<hex>                   -> config and layer blobs

    GET /v2/                                     200 {}
    GET /v2/<repository>/manifests/<tag|digest>  200, Content-Type from the manifest's mediaType
    GET /v2/<repository>/blobs/<digest>          200, application/octet-stream

Usage: serve_registry.py <root> <port-file>   (binds 127.0.0.1 on a free port and writes it to <port-file>)
"""
import hashlib
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = sys.argv[1]
PATH = re.compile(r"^/v2/(?P<repo>[a-z0-9._/-]+)/(?P<kind>manifests|blobs)/(?P<ref>[A-Za-z0-9._:-]+)$")


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.serve(send_body=False)

    def do_GET(self):
        self.serve(send_body=True)

    def serve(self, send_body):
        if self.path.rstrip("/") == "/v2":
            return self.reply(200, b"{}", "application/json", send_body)
        match = PATH.match(self.path.split("?", 1)[0])
        if not match:
            return self.reply(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}', "application/json", send_body)
        repo, kind, ref = match["repo"], match["kind"], match["ref"]
        if kind == "blobs" or ref.startswith("sha256:"):
            path = os.path.join(ROOT, "blobs", ref)
        else:
            path = os.path.join(ROOT, repo, "manifests", ref)
        if not os.path.isfile(path):
            return self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', "application/json", send_body)
        with open(path, "rb") as f:
            body = f.read()
        content_type = "application/octet-stream"
        if kind == "manifests":
            content_type = json.loads(body).get("mediaType", content_type)
        self.reply(200, body, content_type, send_body, "sha256:" + hashlib.sha256(body).hexdigest())

    def reply(self, status, body, content_type, send_body, digest=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if digest:
            self.send_header("Docker-Content-Digest", digest)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("registry: " + (fmt % args) + "\n")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
