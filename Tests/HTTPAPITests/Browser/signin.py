"""Drives headless Chromium through the tracking page's sign-in over the DevTools protocol, with
the standard library only: opens the page, fills and submits the form as an officer would, looks
up a case, and prints what the browser showed (JSON on stdout).

usage: signin.py CHROMIUM PROFILE_DIR BASE_URL NAME PASSWORD QUERY
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, quote  # noqa: E402

chromium, profile, base, name, password, query = sys.argv[1:7]
browser = Browser(chromium, profile)
result = {}
result["before"] = browser.visit(f"{base}/track?q={quote(query)}")
result["signedIn"] = browser.sign_in(base, name, password, "!!document.querySelector('input[name=q]')")
result["scriptCookies"] = browser.evaluate("document.cookie")
result["found"] = browser.act(f"document.querySelector('#q').value = {json.dumps(query)};"
                              "document.querySelector('form[action=\"/track\"]').submit()", "!!document.querySelector('#result')")
browser.act("document.querySelector('form.account').submit()", "!!document.querySelector('form.signin')")
result["afterSignOut"] = browser.visit(f"{base}/track?q={quote(query)}")
browser.close()
print(json.dumps(result))
