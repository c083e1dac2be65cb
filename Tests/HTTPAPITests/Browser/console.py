"""Drives headless Chromium through the operators' console as an operator would: signs in, opens
partner health, searches the dead letters of a partner, opens one, replays it from its page, and
replays the rest of the partner's from the list; screenshots at a desk's and a phone's size.
Prints what the browser showed at each step (JSON on stdout).

usage: console.py CHROMIUM PROFILE_DIR BASE_URL NAME PASSWORD PARTNER SCREENSHOT_DIR
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

chromium, profile, base, name, password, partner, shots = sys.argv[1:8]
browser = Browser(chromium, profile, size="1280,900")
result = {}
browser.sign_in(base, name, password, "!!document.querySelector('form.account')")
result["health"] = browser.visit(f"{base}/console")
browser.screenshot(os.path.join(shots, "console-health-1280x900.png"), 1280, 900)
result["search"] = browser.act(f"document.querySelector('#partner').value = {json.dumps(partner)};"
                               "document.querySelector('#status').value = 'DEAD';"
                               "document.querySelector('form.search').submit()", "!!document.querySelector('#results')")
browser.screenshot(os.path.join(shots, "console-search-1280x900.png"), 1280, 900)
result["message"] = browser.act("document.querySelector('#results tbody a').click()", "!!document.querySelector('#message')")
browser.screenshot(os.path.join(shots, "console-message-390x844.png"), 390, 844)
result["replayedOne"] = browser.act("document.querySelector('#replay').click()", "!!document.querySelector('#notice')")
browser.screenshot(os.path.join(shots, "console-dead-letters-390x844.png"), 390, 844)
result["partnerList"] = browser.visit(f"{base}/console/dead-letters?partner={partner}")
result["replayedAll"] = browser.act("document.querySelector('#replay-partner').click()", "!!document.querySelector('#notice')")
browser.close()
print(json.dumps(result))
