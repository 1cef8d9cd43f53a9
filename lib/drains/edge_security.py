"""Security signals of the log drain per hour, client network and route; never a full IP address.

Fields: Vercel's "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs):
`proxy.clientIp` ("Client IP address"), `proxy.userAgent` (an array of strings),
`proxy.wafAction` (`log`, `challenge`, `deny`, `bypass`, `rate_limit`: "Action taken by firewall
rules") and `source: firewall` ("requests denied by Vercel Firewall rules"). An address is cut to
its /24 (IPv4) or /48 (IPv6) network here, before anything is counted, as `failed_logins` does;
the user agent is reduced to one bit (a script or a browser) and `proxy.referer` is not kept.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lib.drains.records import LogRecord
from lib.drains.routes import route_group

UNKNOWN_NETWORK = "unknown"
OTHER_NETWORK = "other"
# (network, route) pairs one delivery may add per hour; the rest are `other` networks.
MAX_KEYS = 5_000
_FIGURES = (
    "requests",
    "status_4xx",
    "rate_limited",
    "denied",
    "challenged",
    "firewall",
    "scripted",
)
# User agents of HTTP libraries and crawlers, not of a person's browser (or no user agent at all).
_SCRIPTED = re.compile(
    r"curl|wget|python|go-http|okhttp|java/|libwww|scrapy|httpclient|axios|node-fetch|"
    r"bot\b|crawler|spider|headless",
    re.IGNORECASE,
)


def network_of(address: Any) -> str:
    """`203.0.113.7` → `203.0.113.0/24`; `2001:db8:1:2::9` → `2001:db8:1::/48`; else unknown."""
    if not isinstance(address, str) or len(address) > 64:
        return UNKNOWN_NETWORK
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return UNKNOWN_NETWORK
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def scripted(user_agent: Any) -> bool:
    first = user_agent[0] if isinstance(user_agent, list) and user_agent else user_agent
    return not isinstance(first, str) or not first.strip() or bool(_SCRIPTED.search(first))


@dataclass
class EdgeSignals:
    """A delivery's counts per (epoch hour, network, route group), each request once: a list of
    the _FIGURES. Addresses and user agents repeat: each distinct one is read once a delivery."""

    counts: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    requests_seen: set[str] = field(default_factory=set)
    networks: dict[Any, str] = field(default_factory=dict)
    agents: dict[str, bool] = field(default_factory=dict)

    def _network(self, address: Any) -> str:
        if not isinstance(address, str):
            return UNKNOWN_NETWORK
        found = self.networks.get(address)
        if found is None:
            found = self.networks[address] = network_of(address)
        return found

    def _scripted(self, user_agent: Any) -> bool:
        first = user_agent[0] if isinstance(user_agent, list) and user_agent else user_agent
        if not isinstance(first, str):
            return True
        found = self.agents.get(first)
        if found is None:
            found = self.agents[first] = scripted(first)
        return found

    def add(self, record: LogRecord) -> None:
        proxy = record.get("proxy")
        if not proxy:
            return
        status = proxy.get("statusCode")
        if status is not None and status < 0:  # a background revalidation: no client
            return
        rid = record.get("requestId")
        if isinstance(rid, str) and rid:
            if rid in self.requests_seen:
                return
            self.requests_seen.add(rid)
        at = proxy.get("timestamp") or record["timestamp"]
        key = (
            int(at // 3_600_000),
            self._network(proxy.get("clientIp")),
            route_group(proxy.get("path")),
        )
        found = self.counts.get(key)
        if found is None:
            if len(self.counts) >= MAX_KEYS:
                key = (key[0], OTHER_NETWORK, key[2])
            found = self.counts.setdefault(key, [0] * len(_FIGURES))
        found[0] += 1
        found[1] += status is not None and 400 <= status <= 499
        action = proxy.get("wafAction")
        if action:
            found[2] += action == "rate_limit"
            found[3] += action == "deny"
            found[4] += action == "challenge"
        found[5] += record.get("source") == "firewall"
        found[6] += self._scripted(proxy.get("userAgent"))

    def rows(self) -> list[list[Any]]:
        """[[hour as ISO, network, route, requests, 4xx, rate limited, denied, challenged,
        firewall, scripted], ...] for monitoring_log_ingest."""
        return [
            [datetime.fromtimestamp(hour * 3600, UTC).isoformat(), network, route, *counts]
            for (hour, network, route), counts in sorted(self.counts.items())
        ]
