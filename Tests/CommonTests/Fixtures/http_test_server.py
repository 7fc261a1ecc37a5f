#!/usr/bin/env python3
"""A loopback HTTP/1.1 server with fault routes, for the CurlHTTPClient tests.

Standard library only. Binds 127.0.0.1 on an ephemeral port and prints the port on the first line of
stdout. With `--tls CERT KEY` it speaks HTTPS with that certificate (PEM files). It exits when its stdin reaches end-of-file, so a test process that dies never leaks it.

Routes (any method unless noted; query parameters in brackets):
  /echo                 method, path, headers and body (base64) back as JSON
  /status/N             responds with status N and a short text body
  /slow-headers[s=S]    sleeps S seconds before sending anything
  /slow-body[s=S&n=N]   sends headers, then N chunks of 1 KiB with S seconds between them
  /large[mb=N]          N MiB generated on the fly, with Content-Length
  /truncated            Content-Length 1000, sends 100 bytes, then closes
  /chunked-truncated    a chunked body without its terminating chunk, then closes
  /reset                Content-Length 1 MiB, sends 64 KiB, then resets the connection (RST)
  /keepalive            X-Connection-Requests: the request count on this TCP connection
  /retry-after[v=V]     503 with Retry-After: V
  /redirect[to=P]       302 to path P (default /echo), with a body that must never reach a client following it
  /redirect-loop        302 to itself

Settings that matter (see swift-c-interop.md, pitfall 14): protocol_version HTTP/1.1 and a Content-Length on
every response keep connections alive; disable_nagle_algorithm avoids a 40 ms Nagle/delayed-ACK stall per request.
"""

import base64
import json
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BLOCK = bytes(range(256)) * 256  # 64 KiB of a repeating, position-dependent pattern


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        self.connection_requests = 0

    def log_message(self, format, *args):  # noqa: A002 - silence per-request logging
        pass

    # Every method goes through one dispatcher.
    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def send(self, status, body, content_type="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def dispatch(self):
        self.connection_requests += 1
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.read_body()
        route = parts.path

        if route == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": base64.b64encode(body).decode("ascii"),
            }
            self.send(200, json.dumps(payload).encode(), "application/json")
        elif route.startswith("/status/"):
            status = int(route[len("/status/"):])
            self.send(status, f"status {status}".encode(), "text/plain", [("X-Status", str(status))])
        elif route == "/slow-headers":
            time.sleep(float(query.get("s", "5")))
            self.send(200, b"late", "text/plain")
        elif route == "/slow-body":
            delay = float(query.get("s", "1"))
            chunks = int(query.get("n", "5"))
            self.send_response(200)
            self.send_header("Content-Length", str(1024 * chunks))
            self.end_headers()
            for _ in range(chunks):
                self.wfile.write(b"s" * 1024)
                self.wfile.flush()
                time.sleep(delay)
        elif route == "/large":
            total = int(query.get("mb", "1")) << 20
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            if self.command != "HEAD":
                remaining = total
                while remaining > 0:
                    piece = BLOCK if remaining >= len(BLOCK) else BLOCK[:remaining]
                    self.wfile.write(piece)
                    remaining -= len(piece)
        elif route == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"t" * 100)
            self.wfile.flush()
            self.close_connection = True
        elif route == "/chunked-truncated":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"64\r\n" + b"c" * 100 + b"\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif route == "/reset":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            self.wfile.write(BLOCK)
            self.wfile.flush()
            time.sleep(0.05)
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif route == "/keepalive":
            self.send(200, b"ok", "text/plain", [("X-Connection-Requests", str(self.connection_requests))])
        elif route == "/redirect":
            self.send(302, b"redirect body", "text/plain", [("Location", query.get("to", "/echo"))])
        elif route == "/redirect-loop":
            self.send(302, b"again", "text/plain", [("Location", "/redirect-loop")])
        elif route == "/retry-after":
            self.send(503, b"busy", "text/plain", [("Retry-After", query.get("v", "1"))])
        else:
            self.send(404, b"no such route", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # faults are the point; keep stderr quiet
        pass


def main():
    # A child inherits its parent thread's signal mask, and test runners' threads block SIGTERM.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def exit_on_stdin_eof():
        sys.stdin.buffer.read()
        server.shutdown()

    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
