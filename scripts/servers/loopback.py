"""Starting a loopback server for a script: needle-eval serve, instant_server.py and
fault_proxy.py all print `listening on http://HOST:PORT` on stdout once they accept connections
(with --port 0, the port they picked). Standard library only; scripts outside this folder add it
to sys.path to import it.
"""
import re
import subprocess
import sys
import time


class LoopbackServer:
    """`command` started with stdout piped; `url` from its "listening on" line. As a context
    manager it is stopped (SIGTERM, then SIGKILL after 10 s) on exit."""

    def __init__(self, command, cwd=None, timeout=60):
        self.command = command
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                self.url = found.group(1).rstrip("/")
                return
        self.process.kill()
        sys.exit(f"{' '.join(command)} did not say where it listens")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
