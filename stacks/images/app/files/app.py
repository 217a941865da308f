"""The example service: answers its version on / and 200 on /healthz (stdlib only)."""

import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VERSION = Path(__file__).with_name("VERSION").read_text().strip()
HOST = socket.gethostname()


class Handler(BaseHTTPRequestHandler):
    server_version = "immutable-app"

    def do_GET(self) -> None:
        if self.path == "/healthz":
            body, status = b"ok\n", 200
        elif self.path == "/":
            body = (json.dumps({"version": VERSION, "host": HOST}) + "\n").encode()
            status = 200
        else:
            body, status = b"not found\n", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if self.path == "/" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args: object) -> None:
        print(f"{self.address_string()} {fmt % args}", flush=True)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()  # noqa: S104
