"""A DevTools protocol client for headless Chromium, with the standard library only: starts the
browser with a fresh profile, speaks WebSocket to its page, and offers what the page tests need
(visit, evaluate, wait, submit, screenshot). Used by signin.py and console.py.
"""
import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request


class Browser:
    def __init__(self, chromium, profile, size="390,844", seconds=60):
        self.deadline = time.time() + seconds
        self.counter = 0
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={profile}", f"--window-size={size}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        while port is None and time.time() < self.deadline:
            line = self.process.stderr.readline()
            if not line:
                self.fail("chromium ended before listening")
            found = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        path = "/" + page["webSocketDebuggerUrl"].split("/", 3)[3]
        # A WebSocket client: the opening handshake, masked text frames out, frames in.
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        handshake = b""
        while b"\r\n\r\n" not in handshake:
            handshake += self.sock.recv(1)
        if b" 101 " not in handshake.split(b"\r\n")[0]:
            self.fail("no WebSocket upgrade")

    def fail(self, why):
        self.process.kill()
        print(json.dumps({"error": why}))
        sys.exit(1)

    def close(self):
        self.process.kill()

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                self.fail("DevTools closed the connection")
            data += chunk
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exactly(8))[0]
            message += self._exactly(length)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.counter += 1
        self._send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            answer = self._receive()
            if answer.get("id") == self.counter:
                return answer.get("result", {})

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")

    def settle(self, condition):
        while time.time() < self.deadline:
            if self.evaluate(condition):
                return
            time.sleep(0.1)
        self.fail(f"timed out waiting for {condition}")

    def html(self):
        return self.evaluate("document.documentElement.outerHTML")

    def visit(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(0.2)
        self.settle("document.readyState === 'complete'")
        return self.html()

    def act(self, script, until):
        """Runs `script` (a click, a form submitted) and waits for the page it leads to."""
        self.evaluate(script + "; true")
        time.sleep(0.3)
        self.settle(f"document.readyState === 'complete' && ({until})")
        return self.html()

    def sign_in(self, base, name, password, until):
        self.visit(f"{base}/")
        return self.act(f"document.querySelector('#name').value = {json.dumps(name)};"
                        f"document.querySelector('#password').value = {json.dumps(password)};"
                        "document.querySelector('form.signin').submit()", until)

    def screenshot(self, path, width, height):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)
        time.sleep(0.2)
        data = self.call("Page.captureScreenshot", format="png").get("data", "")
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))


def quote(text):
    return urllib.request.quote(text, safe="")
