#!/usr/bin/env python3
"""An OpenAI-compatible server that answers every completion at once with a fixed text, to
measure what needle-eval's HTTP backend itself costs per trial (prompt building, tokenization,
JSON, HTTP, SQLite) with no model in the way:

    python3 scripts/servers/instant_server.py --port 0 --answer 42
    needle-eval run --backend http --base-url http://127.0.0.1:PORT --served-model instant \\
        --tokenizer models/yoco-niah-tiny --lengths 1K --depths 0,10,...

It has /v1/models (context 2,000,000 tokens), /v1/completions and /v1/chat/completions (usage
counts the ids of an id prompt, or the bytes of a text prompt) and no /tokenize. Standard library
only; `--workers` processes share the port (SO_REUSEPORT) so Python is not the bottleneck.
"""
import argparse
import http.server
import json
import os
import signal
import socket
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer = "42"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
        # back until the client's delayed ACK, 40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        payload = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path == "/v1/models":
            self.reply(200, {"object": "list", "data": [{"id": "instant", "object": "model", "owned_by": "test",
                                                         "max_model_len": 2_000_000}]})
        elif self.path == "/health":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": {"message": "not found", "type": "not_found_error", "code": 404}})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path == "/v1/completions":
            prompt = body.get("prompt", "")
            count = len(prompt) if isinstance(prompt, list) else len(prompt.encode())
            choice = {"index": 0, "text": self.answer, "finish_reason": "stop"}
        elif self.path == "/v1/chat/completions":
            count = sum(len(m.get("content", "").encode()) for m in body.get("messages", []))
            choice = {"index": 0, "message": {"role": "assistant", "content": self.answer}, "finish_reason": "stop"}
        else:
            self.reply(404, {"error": {"message": "not found", "type": "not_found_error", "code": 404}})
            return
        self.reply(200, {"id": "x", "object": "text_completion", "model": "instant", "choices": [choice],
                         "usage": {"prompt_tokens": count, "completion_tokens": 1, "total_tokens": count + 1}})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--answer", default="42")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    Handler.answer = args.answer
    server = Server(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    workers = []
    for _ in range(args.workers - 1):
        pid = os.fork()
        if pid == 0:
            server = Server(("127.0.0.1", port), Handler)
            break
        workers.append(pid)
    else:
        # Stopping the first process stops its workers too: a harness that terminates the
        # server it started must not leave forked workers holding the port and its pipes.
        def stop(signum, frame):
            for pid in workers:
                os.kill(pid, signal.SIGTERM)
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        print(f"listening on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
