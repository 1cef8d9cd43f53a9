"""Security signals of the log drain and the rules on them, end to end: signed deliveries through
the dev server into PostgreSQL, rules through the alert engine (fire once, resolve once), one store
call for all of them, and no full IP address anywhere in the database afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules import RuleContext, build_rules
from lib.core.monitor_config import parse_monitor_config
from lib.drains.edge_security import network_of, scripted
from lib.notify import Notification
from lib.store import Store
from tests.alerting import only_rules, open_store, settings_for
from tests.conftest import DevServer, assert_no_secret
from tests.fakes.drains import SECRET, VERIFY, analytics_event, body_of, edge_log

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

PATH = "/api/drains/vercel"
VENDORS = Path(__file__).parent / "fixtures" / "vendors" / "vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
ATTACKER = "198.51.100.23"
ADDRESSES = [ATTACKER, "2001:db8:7:8::42", *(f"203.0.{k}.77" for k in range(20))]


class Recorder:
    name = "webhook"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


@pytest.fixture(scope="module")
def drain_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module's deliveries (a start is 0.3 s idle, seconds under load);
    its log must not contain a secret either."""
    env = {"DATABASE_URL": module_db, "VERCEL_DRAIN_SECRET": SECRET, "VERCEL_VERIFY_TOKEN": VERIFY}
    server = DevServer(env)
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def drain(drain_server: DevServer, migrated_db: str) -> DevServer:
    return drain_server


def post(drain: DevServer, records: list[dict[str, Any]]) -> dict[str, Any]:
    body, headers = body_of(records, "ndjson")
    answer = drain.request("POST", PATH, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def run(url: str, config: Path, at: datetime, recorder: Recorder) -> dict[str, Any]:
    with open_store(url) as store:
        report = evaluate_alerts(store, settings_for(url, config), at, notifiers=[recorder])
    return report.alerts


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.0/24"),
        ("2001:db8:1:2::9", "2001:db8:1::/48"),
        ("::ffff:192.0.2.200", "192.0.2.0/24"),
        (" 10.1.2.3 ", "10.1.2.0/24"),
        ("not an ip", "unknown"),
        ("999.1.1.1", "unknown"),
        (None, "unknown"),
        (["1.2.3.4"], "unknown"),
    ],
)
def test_addresses_are_cut_to_their_network(address: Any, network: str) -> None:
    assert network_of(address) == network


def test_user_agents_of_scripts_are_told_from_browsers() -> None:
    assert scripted(["curl/8.4.0"]) and scripted([]) and scripted(None) and scripted(["  "])
    assert not scripted(["Mozilla/5.0 (Macintosh) Safari/605.1.15"])


def test_documented_log_example_keeps_only_the_network(drain: DevServer, migrated_db: str) -> None:
    """Vercel's example request (clientIp 120.75.16.101), moved to now and sent twice in one
    delivery: one request (one request id), one /24."""
    lines = (VENDORS / "log-drains-example.ndjson").read_text().splitlines()
    record = json.loads(lines[1])
    record["timestamp"] = record["proxy"]["timestamp"] = int(NOW.timestamp() * 1000)
    post(drain, [record, record])
    with psycopg.connect(migrated_db) as conn:
        found = conn.execute(
            "select network, route, requests, scripted from monitoring_edge_hours"
        ).fetchall()
    assert found == [("120.75.16.0/24", "/api/users", 1, 0)]


def test_firewall_rate_limits_fire_with_top_networks_and_routes(
    drain: DevServer, migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "rate_limit_violations")
    recorder = Recorder()
    blocked = [
        edge_log(NOW, "/api/login", 429, ip=ATTACKER, waf="rate_limit", firewall=True, n=i)
        for i in range(60)
    ]
    blocked += [
        edge_log(NOW, "/api/leads", 403, ip=ADDRESSES[1], waf="deny", firewall=True, n=100 + i)
        for i in range(25)
    ]
    blocked += [edge_log(NOW, "/", 200, ip=ADDRESSES[2], waf="log", n=200 + i) for i in range(40)]
    post(drain, blocked)
    alerts = run(migrated_db, config, NOW + timedelta(minutes=1), recorder)
    assert alerts["rate_limit_violations"].state == "firing"
    message = recorder.sent[0].message
    assert "85 requests rate-limited or denied" in message
    assert f"{network_of(ATTACKER)} (60)" in message and "2001:db8:7::/48 (25)" in message
    assert "/api/login (60)" in message


def test_a_burst_from_one_network_fires_abuse_once_and_resolves_once(
    drain: DevServer, migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "abuse_suspected")
    recorder = Recorder()
    # Three weeks of ordinary traffic: 20 networks, a few requests a day each.
    history = [
        edge_log(
            NOW - timedelta(days=d, hours=3), "/api/leads/7", ip=ADDRESSES[2 + k], n=d * 100 + k
        )
        for d in range(1, 22)
        for k in range(20)
    ]
    post(drain, history)
    ordinary = [
        edge_log(NOW, "/api/leads/9", ip=ADDRESSES[2 + k % 20], n=5000 + k) for k in range(60)
    ]
    burst = [edge_log(NOW, f"/api/leads/{i}", ip=ATTACKER, agent="python-requests/2.31", n=9000 + i)
             for i in range(300)]  # fmt: skip
    post(drain, ordinary + burst)
    key = f"abuse_suspected:{network_of(ATTACKER)}"
    assert run(migrated_db, config, NOW + timedelta(minutes=1), recorder)[key].state == "firing"
    assert run(migrated_db, config, NOW + timedelta(minutes=6), recorder)[key].state == "firing"
    quiet = run(migrated_db, config, NOW + timedelta(hours=3), recorder)
    assert quiet[key].state == "ok"
    assert [(n.event, n.rule) for n in recorder.sent] == [("firing", key), ("resolved", key)]
    assert "300 of 360 requests to /api/leads/:id (83 %)" in recorder.sent[0].message
    assert not any(k.endswith("203.0.2.0/24") for k in quiet), "ordinary networks never fire"


def test_a_4xx_spike_fires_client_error_rate(
    drain: DevServer, migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "client_error_rate")
    recorder = Recorder()
    post(drain, [edge_log(NOW, "/api/leads", 200, n=i) for i in range(40)])
    assert run(migrated_db, config, NOW + timedelta(minutes=1), recorder)[
        "client_error_rate"
    ].message.startswith("40 requests in 15 min (judged from 100)")
    post(drain, [edge_log(NOW, "/old-link", 404, n=100 + i) for i in range(80)])
    alerts = run(migrated_db, config, NOW + timedelta(minutes=2), recorder)
    assert alerts["client_error_rate"].state == "firing"
    assert "66.7 % of 120 requests answered 4xx" in recorder.sent[0].message


def test_a_new_country_over_the_baseline_fires_unusual_geography(
    drain: DevServer, migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "unusual_geography")
    recorder = Recorder()
    days = [
        analytics_event(NOW - timedelta(days=d, hours=2), device=d * 100 + k, country=country)
        for d in range(1, 15)
        for k, country in enumerate(["DE"] * 18 + ["AT"] * 2)
    ]
    post(drain, days)
    post(drain, [analytics_event(NOW, device=k, country="DE") for k in range(22)])
    assert run(migrated_db, config, NOW, recorder)["unusual_geography"].state == "ok"
    post(drain, [analytics_event(NOW, device=5000 + k, country="BR") for k in range(30)])
    assert run(migrated_db, config, NOW, recorder)["unusual_geography"].state == "firing"
    assert "BR 30 (usual 0 a day)" in recorder.sent[0].message
    assert "DE" not in recorder.sent[0].message.split(":", 1)[1]


class CountingStore(Store):
    def __init__(self, inner: Store) -> None:
        super().__init__(inner.transport)
        self.calls: list[str] = []

    def call(self, function: str, **params: object) -> Any:
        self.calls.append(function)
        return super().call(function, **params)


def test_all_edge_rules_read_the_store_once_per_run(migrated_db: str) -> None:
    names = {"rate_limit_violations", "client_error_rate", "abuse_suspected", "unusual_geography"}
    rules = [r for r in build_rules(parse_monitor_config("")) if r.name in names]
    with open_store(migrated_db) as inner:
        store = CountingStore(inner)
        ctx = RuleContext(store, settings_for(migrated_db), NOW)
        states = {o.rule: o.state for rule in rules for o in rule.observe(ctx)}  # type: ignore[attr-defined]
    assert store.calls == ["monitoring_visitor_signals"]
    assert states == dict.fromkeys(names, "not_configured"), "no drain data: not configured"


def test_no_full_ip_address_anywhere_in_the_database(drain: DevServer, migrated_db: str) -> None:
    records = [
        edge_log(NOW, "/x", 429, ip=ip, waf="rate_limit", n=i) for i, ip in enumerate(ADDRESSES)
    ]
    records.append(edge_log(NOW, "/x", ip="120.75.16.101", n=999))
    post(drain, records)
    post(drain, [analytics_event(NOW, country="DE", referrer=f"http://{ATTACKER}/")])
    with psycopg.connect(migrated_db) as conn:
        columns = conn.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'public' and data_type in"
            " ('text', 'jsonb', 'json', 'character varying', 'bytea', 'inet', 'ARRAY')"
        ).fetchall()
        text = "\n".join(
            str(value)
            for table, column in columns
            for (value,) in conn.execute(f'select "{column}"::text from "{table}"').fetchall()
        )
    assert text.count("/24") >= 2, "the networks are there"
    for address in [*ADDRESSES, "120.75.16.101"]:
        assert address not in text, address
