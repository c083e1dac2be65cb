"""Drives headless Chromium through the tracking page's sign-in over the DevTools protocol, with
the standard library only: opens the page, fills and submits the form as an officer would, looks
up a case, and prints what the browser showed (JSON on stdout).

usage: signin.py CHROMIUM PROFILE_DIR BASE_URL NAME PASSWORD QUERY
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

chromium, profile, base, name, password, query = sys.argv[1:7]
browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
     f"--user-data-dir={profile}", "--window-size=390,844", "--remote-debugging-port=0", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
deadline = time.time() + 60


def fail(why):
    browser.kill()
    print(json.dumps({"error": why}))
    sys.exit(1)


port = None
while port is None and time.time() < deadline:
    line = browser.stderr.readline()
    if not line:
        fail("chromium ended before listening")
    found = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
    if found:
        port = int(found.group(1))
targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
page = next(t for t in targets if t["type"] == "page")
path = "/" + page["webSocketDebuggerUrl"].split("/", 3)[3]

# A WebSocket client: the opening handshake, masked text frames out, frames in.
sock = socket.create_connection(("127.0.0.1", port), timeout=30)
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
handshake = b""
while b"\r\n\r\n" not in handshake:
    handshake += sock.recv(1)
if b" 101 " not in handshake.split(b"\r\n")[0]:
    fail("no WebSocket upgrade")


def send(text):
    data = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(data) < 126:
        header += bytes([0x80 | len(data)])
    elif len(data) < 65536:
        header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def exactly(count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            fail("DevTools closed the connection")
        data += chunk
    return data


def receive():
    message = b""
    while True:
        first, second = exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", exactly(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", exactly(8))[0]
        message += exactly(length)
        if first & 0x80:
            return json.loads(message)


counter = 0


def call(method, **params):
    global counter
    counter += 1
    send(json.dumps({"id": counter, "method": method, "params": params}))
    while True:
        answer = receive()
        if answer.get("id") == counter:
            return answer.get("result", {})


def evaluate(expression):
    return call("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")


def settle(condition):
    while time.time() < deadline:
        if evaluate(condition):
            return
        time.sleep(0.1)
    fail(f"timed out waiting for {condition}")


def visit(url):
    call("Page.navigate", url=url)
    time.sleep(0.2)
    settle("document.readyState === 'complete'")
    return evaluate("document.documentElement.outerHTML")


result = {}
result["before"] = visit(f"{base}/track?q={urllib.request.quote(query, safe='')}")
visit(f"{base}/")
evaluate(f"document.querySelector('#name').value = {json.dumps(name)};"
         f"document.querySelector('#password').value = {json.dumps(password)};"
         "document.querySelector('form.signin').submit(); true")
time.sleep(0.3)
settle("document.readyState === 'complete' && !!document.querySelector('input[name=q]')")
result["signedIn"] = evaluate("document.documentElement.outerHTML")
result["scriptCookies"] = evaluate("document.cookie")
evaluate(f"document.querySelector('#q').value = {json.dumps(query)}; document.querySelector('form[action=\"/track\"]').submit(); true")
time.sleep(0.3)
settle("document.readyState === 'complete' && !!document.querySelector('#result')")
result["found"] = evaluate("document.documentElement.outerHTML")
evaluate("document.querySelector('form.account').submit(); true")
time.sleep(0.3)
settle("document.readyState === 'complete' && !!document.querySelector('form.signin')")
result["afterSignOut"] = visit(f"{base}/track?q={urllib.request.quote(query, safe='')}")
browser.kill()
print(json.dumps(result))
