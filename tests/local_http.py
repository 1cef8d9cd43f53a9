"""One httpx client per test process for requests to the local servers (dev servers, fakes)."""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

# `httpx.get(...)` builds a new client, and with it an SSL context from certifi's bundle: 20-50 ms
# of CPU each, and the suite sends thousands of requests to 127.0.0.1. One client builds it once.
# Its jar refuses every cookie, so no request carries a cookie an earlier test was given.
_NO_COOKIES = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
LOCAL_HTTP = httpx.Client(timeout=30, cookies=_NO_COOKIES)
