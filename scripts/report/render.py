#!/usr/bin/env python3
"""Render a needle-eval report in headless Chromium and check it: the page loads from disk with no
console message, no script error and no request outside the file itself, and every figure (each
<svg> of a <figure>) is drawn at the size its width and height attributes declare. Writes a PNG of
the whole page and prints one JSON object (figures, messages, requests, problems).

Only the standard library: Chromium is driven over its DevTools protocol on a pipe
(--remote-debugging-pipe: NUL-terminated JSON messages on file descriptors 3 and 4).

  scripts/report/render.py REPORT.html --png OUT.png [--width 1400] [--until ID] [--media print]

Exit 0: checks passed; 1: a check failed (listed under "problems"); 77: Chromium is not installed
(apt-get install -y --no-install-recommends chromium). CHROMIUM=PATH chooses the browser binary.
"""
import argparse
import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

# Every figure's declared and drawn size, from the page itself once it has loaded.
FIGURE_SIZES = """JSON.stringify(Array.from(document.querySelectorAll('figure')).map(f => {
  const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : null;
  return {id: f.id, declared: svg ? [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))] : null,
          drawn: box ? [box.width, box.height] : null, tables: f.querySelectorAll('table').length};
}))"""
PAGE_SIZE = "JSON.stringify([document.documentElement.scrollWidth, document.documentElement.scrollHeight])"
# The bottom edge of the element with an id, in page coordinates (null when there is none).
BOTTOM_OF = "(() => {{ const e = document.getElementById({}); return e ? e.getBoundingClientRect().bottom + window.scrollY : null; }})()"


def find_chromium():
    # CHROMIUM=PATH picks the browser (and CHROMIUM=none shows what happens without one).
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """One Chromium process and its protocol pipe."""

    def __init__(self, binary, profile, width, height):
        to_chrome_read, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_write = os.pipe()

        def wire():  # in the child: the pipe ends Chromium expects on fds 3 and 4
            os.dup2(to_chrome_read, 3)
            os.dup2(from_chrome_write, 4)

        args = [binary, "--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to start its sandbox as root
        self.process = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=wire,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_read)
        os.close(from_chrome_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, deadline):
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(self.read(deadline))

    def read(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its protocol pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def render(page, png, width, until, media):
    binary = find_chromium()
    if binary is None:
        print("skip: chromium is not installed (apt-get install -y --no-install-recommends chromium)")
        return 77
    url = pathlib.Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="report-render-") as profile:
        chrome = DevTools(binary, profile, width, 900)
        try:
            target = chrome.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                chrome.call(f"{domain}.enable", session=session)
            if media:  # e.g. print: the page as its print stylesheet lays it out
                chrome.call("Emulation.setEmulatedMedia", {"media": media}, session=session)
            chrome.call("Page.navigate", {"url": url}, session=session)
            chrome.wait_for("Page.loadEventFired", time.time() + 30)
            sizes = chrome.call("Runtime.evaluate", {"expression": FIGURE_SIZES, "returnByValue": True},
                                session=session)["result"]["value"]
            page_size = json.loads(chrome.call("Runtime.evaluate", {"expression": PAGE_SIZE, "returnByValue": True},
                                               session=session)["result"]["value"])
            height = page_size[1]
            if until is not None:
                bottom = chrome.call("Runtime.evaluate", {"expression": BOTTOM_OF.format(json.dumps(until)),
                                                          "returnByValue": True}, session=session)["result"].get("value")
                if bottom is None:
                    raise SystemExit(f"--until {until}: no element with that id on the page")
                height = min(page_size[1], int(bottom + 0.5) + 16)
            shot = chrome.call("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session=session)
            pathlib.Path(png).write_bytes(base64.b64decode(shot["data"]))
        finally:
            chrome.close()

    messages, requests = [], []
    for event in chrome.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            messages.append(f"console.{params.get('type')}: " + " ".join(str(a.get("value", a.get("description")))
                                                                           for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            messages.append("exception: " + params.get("exceptionDetails", {}).get("text", ""))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            messages.append(f"log.{entry.get('level')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            requests.append(params.get("request", {}).get("url", ""))
        elif method == "Network.loadingFailed":
            messages.append(f"request failed: {params.get('errorText')}")

    problems = list(messages)
    problems += [f"request outside the page: {r}" for r in requests if r != url]
    figures = json.loads(sizes)
    if not figures:
        problems.append("no figures on the page")
    for figure in figures:
        declared, drawn = figure["declared"], figure["drawn"]
        if declared is None or drawn is None or any(abs(d - w) > 0.5 for d, w in zip(declared, drawn)):
            problems.append(f"figure {figure['id']}: declared {declared}, drawn {drawn}")
    print(json.dumps({"page": url, "png": png, "page_size": page_size, "figures": figures,
                      "messages": messages, "requests": requests, "problems": problems}, indent=1))
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", help="the report's HTML file")
    parser.add_argument("--png", required=True, help="where to write the screenshot")
    parser.add_argument("--width", type=int, default=1400, help="window width in px (default 1400)")
    parser.add_argument("--until", metavar="ID", help="end the PNG below the element with this id (e.g. differences)")
    parser.add_argument("--media", choices=["screen", "print"], help="CSS media to emulate (default: screen)")
    args = parser.parse_args()
    sys.exit(render(args.page, args.png, args.width, args.until, args.media))


if __name__ == "__main__":
    main()
