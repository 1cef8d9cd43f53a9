"""DNS checks (lib/checks/dns_check.py) against a local UDP resolver on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from lib.checks.dns_check import nameserver, run_dns
from lib.core.synthetic_config import DnsCheck
from tests.dns_server import LocalResolver


@pytest.fixture(scope="module")
def resolver() -> Iterator[LocalResolver]:
    server = LocalResolver(
        {
            ("carbot.example", "A"): ["76.76.21.21"],
            ("carbot.example", "MX"): ["10 mx.carbot.example."],
            ("www.carbot.example", "CNAME"): ["cname.vercel-dns.com."],
            ("api.carbot.example", "A"): ["76.76.21.22"],
        }
    )
    yield server
    server.close()


def dns(resolver: LocalResolver, **fields: Any) -> DnsCheck:
    return DnsCheck.model_validate({"resolver": resolver.address, **fields})


def run(check: DnsCheck, site_host: str | None = "carbot.example") -> Any:
    return asyncio.run(run_dns(check, site_host, timeout=1.0))


def test_site_host_and_names_resolve(resolver: LocalResolver) -> None:
    outcome = run(dns(resolver, names=["api.carbot.example"]))
    assert outcome.up, outcome.reason
    assert [s.name for s in outcome.steps] == ["carbot.example", "api.carbot.example"]
    assert ("carbot.example", "A") in resolver.queries


def test_expected_records(resolver: LocalResolver) -> None:
    assert run(dns(resolver, expect=["76.76.21.21"])).up
    wrong = run(dns(resolver, expect=["1.2.3.4"]))
    assert wrong.reason == "carbot.example A lacks 1.2.3.4"
    cname = dns(
        resolver,
        names=["www.carbot.example"],
        site_url=False,
        record="CNAME",
        expect=["cname.vercel-dns.com"],
    )
    assert run(cname).up
    mx = run(dns(resolver, record="MX", expect=["mx.carbot.example."]))
    assert mx.up, mx.reason


def test_a_missing_name_or_record_fails_and_names_it(resolver: LocalResolver) -> None:
    gone = run(dns(resolver, names=["old.carbot.example"]))
    assert gone.reason == "old.carbot.example does not exist (NXDOMAIN)"
    assert [s.ok for s in gone.steps] == [True, False]
    no_aaaa = run(dns(resolver, record="AAAA"))
    assert no_aaaa.reason == "carbot.example has no AAAA record"


def test_no_name_at_all_and_a_silent_resolver() -> None:
    assert run(DnsCheck(site_url=True), site_host=None).reason == (
        "no name to resolve (set SITE_URL or names)"
    )
    silent = LocalResolver({})
    silent.close()  # nothing answers on its port any more
    outcome = asyncio.run(run_dns(DnsCheck(resolver=silent.address), "carbot.example", timeout=0.3))
    assert outcome.reason is not None and outcome.reason.startswith("carbot.example: ")


def test_resolver_addresses() -> None:
    assert nameserver("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert nameserver("9.9.9.9") == ("9.9.9.9", 53)
    assert nameserver("[::1]:5353") == ("::1", 5353)
    assert nameserver("::1") == ("::1", 53)
