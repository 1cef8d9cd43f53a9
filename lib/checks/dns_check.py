"""DNS checks: SITE_URL's host and configured names resolve, optionally to expected records."""

from __future__ import annotations

import time

from lib.checks import CheckOutcome, StepTiming
from lib.core.synthetic_config import DnsCheck


def _text(record: object, kind: str) -> str:
    if kind in ("A", "AAAA"):
        text = record.address  # type: ignore[attr-defined]
    elif kind == "MX":
        text = record.exchange.to_text()  # type: ignore[attr-defined]
    elif kind == "TXT":
        text = b"".join(record.strings).decode("utf-8", "replace")  # type: ignore[attr-defined]
    else:  # CNAME, NS
        text = record.target.to_text()  # type: ignore[attr-defined]
    return text.rstrip(".").lower()


def nameserver(address: str) -> tuple[str, int]:
    """`"127.0.0.1:5353"`, `"[::1]:53"` or a bare address (port 53)."""
    host, colon, port = address.rpartition(":")
    if colon and port.isdigit() and (":" not in host or host.startswith("[")):
        return host.strip("[]"), int(port)
    return address.strip("[]"), 53


def names_of(check: DnsCheck, site_host: str | None) -> list[str]:
    names = list(check.names)
    if check.site_url and site_host and site_host not in names:
        names.insert(0, site_host)
    return names


async def run_dns(check: DnsCheck, site_host: str | None, timeout: float) -> CheckOutcome:
    """Every name in turn; the first that does not resolve (or lacks an expected record) fails."""
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    names = names_of(check, site_host)
    if not names:
        return CheckOutcome(up=False, reason="no name to resolve (set SITE_URL or names)")
    if check.resolver is not None:
        resolver = dns.asyncresolver.Resolver(configure=False)
        host, port = nameserver(check.resolver)
        resolver.nameservers = [host]
        resolver.port = port
    else:
        resolver = dns.asyncresolver.Resolver()
    timings: list[StepTiming] = []
    started = time.perf_counter()
    expected = {e.rstrip(".").lower() for e in check.expect}
    for name in names:
        step = time.perf_counter()
        try:
            answer = await resolver.resolve(name, check.record, lifetime=timeout)
            found = {_text(record, check.record) for record in answer}
        except dns.resolver.NXDOMAIN:
            reason = f"{name} does not exist (NXDOMAIN)"
        except dns.resolver.NoAnswer:
            reason = f"{name} has no {check.record} record"
        except dns.exception.Timeout:
            reason = f"{name}: no DNS answer within {timeout:g} s"
        except dns.exception.DNSException:
            reason = f"{name}: DNS lookup failed"
        else:
            missing = sorted(expected - found)
            reason = f"{name} {check.record} lacks {missing[0]}" if missing else None
        spent = round((time.perf_counter() - step) * 1000)
        timings.append(StepTiming(name=name, latency_ms=spent, ok=reason is None))
        if reason is not None:
            return CheckOutcome(up=False, reason=reason, steps=timings)
    total = round((time.perf_counter() - started) * 1000)
    return CheckOutcome(up=True, latency_ms=total, steps=timings)
