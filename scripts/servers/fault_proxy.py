#!/usr/bin/env python3
"""A loopback HTTP proxy in front of an OpenAI-compatible server that breaks some completions
requests on purpose, to test needle-eval's HTTP backend against faults a real deployment has:
503 with Retry-After, 500, 429, a connection closed without a reply, and a reply that comes too
late. Which request fails how is drawn from --seed, so a test run is repeatable.

    python3 scripts/servers/fault_proxy.py --upstream http://127.0.0.1:8080 --port 0 --fault-rate 0.3
prints `listening on http://127.0.0.1:PORT` once it accepts connections. Only requests to
/v1/completions and /v1/chat/completions are broken; everything else passes through.
Standard library only.
"""
import argparse
import http.client
import http.server
import random
import socket
import sys
import threading
import time
import urllib.parse

FAULTS = ["503", "500", "429", "drop", "slow"]


class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, upstream, rate, faults, seed, slow_seconds):
        super().__init__(address, Handler)
        self.upstream = urllib.parse.urlsplit(upstream)
        self.rate = rate
        self.faults = faults
        self.random = random.Random(seed)
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.counts = {name: 0 for name in FAULTS + ["passed"]}

    def draw(self):
        with self.lock:
            if self.random.random() < self.rate:
                fault = self.random.choice(self.faults)
            else:
                fault = "passed"
            self.counts[fault] += 1
            return fault


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
        # back until the client's delayed ACK, 40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.forward(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.forward(self.rfile.read(length))

    def forward(self, body):
        fault = "passed"
        if self.path.rstrip("/").endswith("completions"):
            fault = self.server.draw()
        if fault == "drop":
            # Close without a reply, as a server that dies mid-request does.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault in ("503", "500", "429"):
            payload = b'{"error": {"message": "injected fault", "type": "server_error", "code": %s}}' % fault.encode()
            self.send_response(int(fault))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if fault in ("503", "429"):
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(payload)
            return
        if fault == "slow":
            time.sleep(self.server.slow_seconds)
        up = self.server.upstream
        connection = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        try:
            connection.request(self.command, up.path.rstrip("/") + self.path, body=body, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
        except OSError as error:
            payload = ('{"error": {"message": "upstream: %s", "type": "server_error", "code": 502}}' % error).encode()
            self.send_response(502)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        finally:
            connection.close()
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--faults", default=",".join(FAULTS), help="which faults to inject (comma-separated)")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        sys.exit(f"--faults: unknown {sorted(unknown)}; choose from {FAULTS}")
    server = Proxy(("127.0.0.1", args.port), args.upstream, args.fault_rate, faults, args.seed, args.slow_seconds)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        print("faults: " + ", ".join(f"{k} {v}" for k, v in server.counts.items()), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
