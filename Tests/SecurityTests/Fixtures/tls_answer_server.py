#!/usr/bin/env python3
"""A loopback HTTPS server that answers from a table, for the SecurityTests TLS checks.

Standard library only. Usage: tls_answer_server.py CERT KEY ANSWERS.json
ANSWERS.json is a list of {"contains": TEXT, "status": N, "type": CONTENT-TYPE, "body": TEXT}: the first entry
whose TEXT occurs in the request path answers (any method; a request body is read and ignored); no match is 404.
Binds 127.0.0.1 on an ephemeral port, prints the port on the first line of stdout, and exits when stdin reaches
end-of-file, so a test process that dies never leaks it.
"""

import json
import signal
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(answers):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # noqa: A002 - quiet
            pass

        def answer(self):
            length = int(self.headers.get("Content-Length", "0") or "0")
            if length:
                self.rfile.read(length)
            for entry in answers:
                if entry["contains"] in self.path:
                    status, kind, body = entry["status"], entry["type"], entry["body"].encode("utf-8")
                    break
            else:
                status, kind, body = 404, "text/plain", b"no answer for this path"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # refused handshakes are the point; keep stderr quiet
        pass


def main():
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    certificate, key, answers_path = sys.argv[1:4]
    with open(answers_path, encoding="utf-8") as file:
        answers = json.load(file)
    server = Server(("127.0.0.1", 0), make_handler(answers))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def exit_on_stdin_eof():
        sys.stdin.buffer.read()
        server.shutdown()

    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
