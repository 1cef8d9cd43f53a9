"""The doctor's privacy item: networks only, retention kept, hidden IPs noted, the region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from lib.core.config import load_settings
from lib.core.monitor_config import MonitorConfig
from lib.doctor import run_doctor
from lib.doctor.base import DoctorContext
from lib.doctor.privacy import privacy
from lib.drains.receiver import receive
from tests.alerting import open_store
from tests.fakes.drains import body_of, edge_log
from tests.fakes.supabase_management import REF, FakeManagement
from tests.fakes.supabase_management import TOKEN as MANAGEMENT_TOKEN

NOW = datetime.now(UTC).replace(microsecond=0)


def check(url: str, **settings: object) -> tuple[str, str]:
    with open_store(url) as store:
        found = privacy(DoctorContext(load_settings(database_url=url, **settings), NOW, store))
    return found.status, found.evidence


def test_a_clean_store_passes_with_the_projects_region(
    migrated_db: str, fake_management: FakeManagement
) -> None:
    managed = {
        "supabase_access_token": MANAGEMENT_TOKEN,
        "supabase_project_ref": REF,
        "supabase_api_url": fake_management.url,
    }
    with open_store(migrated_db) as store:
        receive(load_settings(database_url=migrated_db), MonitorConfig(), store,
                body_of([edge_log(NOW, ip="203.0.113.9")])[0], None)  # fmt: skip
    status, evidence = check(migrated_db, **managed)
    assert status == "pass", evidence
    assert "no full IP address stored" in evidence
    assert "Supabase region: eu-central-1 (EU)" in evidence
    assert "'hide IP addresses': off" in evidence
    fake_management.backups_body["region"] = "us-east-1"
    status, evidence = check(migrated_db, **managed)
    assert status == "warn" and "database outside the EU (us-east-1)" in evidence
    assert "unknown (set SUPABASE_ACCESS_TOKEN" in check(migrated_db)[1]


def test_full_addresses_and_old_rows_are_named(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "insert into monitoring_edge_hours (at, network, route, requests)"
            " values (%s, 'unknown', '/', 3), (%s, '203.0.113.9', '/', 1)",
            (NOW, NOW - timedelta(days=40)),
        )
        conn.execute("insert into monitoring_visitor_salts (day) values (%s)",
                     (NOW.date() - timedelta(days=6),))  # fmt: skip
    status, evidence = check(migrated_db)
    assert status == "warn"
    assert "1 edge rows hold an address, not a network" in evidence
    assert "client networks older than 35 days are still stored" in evidence
    assert "not yet thrown away" in evidence


def test_hidden_addresses_are_noted_and_the_item_is_in_the_doctor(migrated_db: str) -> None:
    with open_store(migrated_db) as store:
        hidden = edge_log(NOW, ip="")
        del hidden["proxy"]["clientIp"]
        receive(load_settings(database_url=migrated_db), MonitorConfig(), store,
                body_of([hidden])[0], None)  # fmt: skip
    status, evidence = check(migrated_db)
    assert status == "pass" and "'hide IP addresses' looks on" in evidence
    report = run_doctor(load_settings(database_url=migrated_db), NOW)
    (item,) = [i for i in report.items if i.id == "privacy"]
    assert item.status == "pass" and item.title.startswith("GDPR")
