"""Outside text end to end, over real HTTP and PostgreSQL: a commit message from Vercel's
deployment webhook into the chat notifier, a request path from a drain into /api/traffic and a
report, a multi-line alert message into the md/txt reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from lib.core.monitor_config import MonitorConfig
from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.reports import periods
from lib.reports.build import build_report
from lib.reports.render_html import html
from lib.reports.render_text import markdown, text
from tests.alerting import notify_settings, only_rules, open_store, seed_episode, settings_for
from tests.conftest import SECRETS, DevServer, assert_no_secret
from tests.fakes.drains import SECRET as DRAIN_SECRET
from tests.fakes.drains import body_of, request_log
from tests.fakes.vendors import FakeResend
from tests.fakes.vercel import SECRET, deployment_event, encode
from tests.fakes.webhook import FakeWebhook
from tests.hostile import BIDI_OR_CONTROL, HOSTILE

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
COMMIT = "<!channel> <https://evil.example/login|Vercel: re-authenticate here>"
BIDI_ROUTE = "/admin\u202egnp.exe"
BREAKOUT = (
    "p95 above 2 s on /api/leads |\n\n# Re-authenticate now\n"
    "[Vercel login](https://evil.example/login) ![b](http://evil.example/pixel.png)"
)


@pytest.fixture(scope="module")
def server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module over `module_db` (each test takes it afresh through
    `clean_module_db`): the webhook secret for the deployment tests, the drain secret and the
    health token for the drain tests. A start is seconds under load; four were one per test."""
    started = DevServer(
        {
            "DATABASE_URL": module_db,
            "VERCEL_WEBHOOK_SECRET": SECRET,
            "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
            "VERCEL_DRAIN_SECRET": DRAIN_SECRET,
        }
    )
    yield started
    assert_no_secret(started.close())


def test_a_commit_message_neither_pings_nor_links_in_chat(
    clean_module_db: str,
    server: DevServer,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    migrated_db = clean_module_db
    now = datetime.now(UTC)
    for kind in ("deployment.created", "deployment.error"):
        body, headers = encode(
            deployment_event(kind, "dpl_evil01", now - timedelta(minutes=5), message=COMMIT)
        )
        answer = server.request("POST", "/api/webhooks/vercel", content=body, headers=headers)
        assert answer.status_code == 200, answer.text
    config = only_rules(tmp_path, "build_failed")
    settings = notify_settings(
        migrated_db, fake_resend.url, fake_webhook.hook_url, config, vercel_webhook_secret=SECRET
    )
    with open_store(migrated_db) as store:
        results = {"database": ProbeResult(level=Level.OK, latency_ms=5)}
        check_and_alert(store, settings, now, results=results)
    (payload,) = fake_webhook.payloads
    chat = payload["text"]
    assert "build failed" in chat and "dpl_evil01" in chat
    # Slack reads `<!channel>` and `<url|text>` only with raw angle brackets.
    assert "<" not in chat and ">" not in chat
    assert "&lt;!channel&gt; &lt;https://evil.example/login|Vercel: re-authenticate here&gt;" in (
        chat
    )
    assert payload["allowed_mentions"] == {"parse": []}
    # The e-mail was already escaped; it still is.
    (email,) = fake_resend.emails
    assert "&lt;!channel&gt;" in email["html"] and "<!channel>" not in email["html"]


@pytest.mark.usefixtures("clean_module_db")
def test_a_bidi_route_key_is_shown_as_a_visible_mark(server: DevServer) -> None:
    at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=3)
    logs = [request_log(at, BIDI_ROUTE, n=i) for i in range(3)]
    body, headers = body_of(logs)
    answer = server.request("POST", "/api/drains/vercel", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    traffic = server.get("/api/traffic?window=1h", headers=TOKEN).json()
    keys = [r["key"] for r in traffic["routes"]["by_requests"]]
    assert keys == ["/admin\ufffdgnp.exe"], keys


def test_a_multi_line_alert_message_stays_in_its_table_cell(migrated_db: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = datetime.now(UTC)
    period = periods.latest("weekly", zone, now)
    since = period.start + timedelta(days=2)  # the episode falls in the reported week
    with open_store(migrated_db) as store:
        for rule, message in (("route_slow", BREAKOUT), ("route_errors", f"5xx on {BIDI_ROUTE}")):
            seed_episode(store, rule, since, announced=False, severity="warning", message=message)
        report = build_report(store, settings_for(migrated_db), MonitorConfig(), period, now)
    md, txt = markdown(report), text(report)
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    # One table row per alert; no heading, link or image of the message's making.
    assert "Re-authenticate now" in md and "<h1>Re-authenticate now" not in rendered
    assert "evil.example" in rendered and 'href="https://evil.example' not in rendered
    assert "<img" not in rendered
    row = next(line for line in md.splitlines() if "route_slow" in line)
    assert row.startswith("| route_slow") and row.endswith("|") and "Re-authenticate" in row
    assert all(not line.startswith("# Re-auth") for line in md.splitlines())
    # The text form: the message on the alert's own line; the bidi override made visible.
    assert all(not line.startswith("# Re-auth") for line in txt.splitlines())
    assert "\u202e" not in md + txt + html(report)
    assert "/admin\ufffdgnp.exe" in md and "/admin\ufffdgnp.exe" in txt


@pytest.mark.usefixtures("clean_module_db")
def test_every_hostile_request_path_is_an_inert_route_key(server: DevServer) -> None:
    """All the hostile strings as request paths of one signed drain delivery: /api/traffic shows
    each as one bounded line without control or bidi characters."""
    at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=3)
    # The bidi path twice, so it ranks first among the top routes /api/traffic lists.
    paths = ["/" + value for value in HOSTILE.values()] + ["/" + HOSTILE["bidi"]]
    body, headers = body_of([request_log(at, path, n=i) for i, path in enumerate(paths)])
    answer = server.request("POST", "/api/drains/vercel", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    traffic = server.get("/api/traffic?window=1h", headers=TOKEN).json()
    keys = [r["key"] for r in traffic["routes"]["by_requests"]]
    # A path the store cannot hold (a NUL) is skipped and counted, never a 5xx (docs/traffic.md).
    skipped = answer.json()["skip_reasons"]
    assert set(skipped) <= {"invalid_text"}, skipped
    assert traffic["totals"]["requests"] + sum(skipped.values()) == len(paths) and keys
    for key in keys:
        assert not BIDI_OR_CONTROL.search(key) and len(key) <= 200, repr(key[:80])
    # One route vocabulary (lib/drains/routes.py): the empty segment of `//admin` goes.
    assert "/admin\ufffdgnp.exe \ufffdisolated\ufffd \ufffdmark\ufffd" in keys


def test_every_hostile_commit_message_is_inert_in_chat(
    clean_module_db: str,
    server: DevServer,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    """Each hostile string as a failed build's commit message and branch, through Vercel's signed
    webhook, the build_failed alert and the webhook notifier."""
    migrated_db = clean_module_db
    config = only_rules(tmp_path, "build_failed")
    settings = notify_settings(
        migrated_db, fake_resend.url, fake_webhook.hook_url, config, vercel_webhook_secret=SECRET
    )
    start = datetime.now(UTC) - timedelta(hours=2)
    results = {"database": ProbeResult(level=Level.OK, latency_ms=5)}
    with open_store(migrated_db) as store:
        for n, value in enumerate(HOSTILE.values()):
            at = start + timedelta(minutes=5 * n)
            for kind in ("deployment.succeeded", "deployment.error"):
                state = "ok" if kind.endswith("succeeded") else "bad"
                event = deployment_event(
                    kind,
                    f"dpl_{state}{n:03d}",
                    at + timedelta(minutes=2 * (state == "bad")),
                    message=value,
                    branch=value[:200],
                )
                body, headers = encode(event)
                answer = server.request(
                    "POST", "/api/webhooks/vercel", content=body, headers=headers
                )
                assert answer.status_code == 200, answer.text
                check_and_alert(store, settings, at + timedelta(minutes=3), results=results)
    chats = [p["text"] for p in fake_webhook.payloads]
    assert sum("build failed" in chat for chat in chats) == len(HOSTILE)
    for chat in chats:
        assert "<" not in chat and ">" not in chat and "](" not in chat
        assert not re.search(r"@(channel|here|everyone|all)\b", chat, re.IGNORECASE)
        assert not BIDI_OR_CONTROL.search(chat.replace("\n", "")) and len(chat) < 8000
