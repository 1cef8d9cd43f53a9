"""The monthly report's revenue (gross, refunds, net, disputes), tokens and Storage lines
(lib/reports/money.py) from stored daily metrics, against figures computed by hand."""

from __future__ import annotations

from datetime import date, timedelta

from lib.core.config import load_settings
from lib.core.monitor_config import MonitorConfig
from lib.reports.build import build_report
from lib.reports.periods import month_of
from lib.reports.render_text import text
from tests.alerting import open_store, seed_metrics
from tests.report_seed import BERLIN, NOW

OCTOBER = month_of(date(2026, 10, 1), BERLIN)


def build(url: str) -> tuple[dict, dict, str]:
    settings = load_settings(database_url=url)
    with open_store(url) as store:
        report = build_report(store, settings, MonitorConfig(), OCTOBER, NOW, live=False)
    sections = {s.id: s for s in report.sections}
    return sections, {f.key: f for s in report.sections for f in s.figures}, text(report)


def test_revenue_gross_refunds_net_and_disputes(migrated_db: str) -> None:
    first, last = OCTOBER.days[0], OCTOBER.days[-1]
    with open_store(migrated_db) as store:
        # Two days of October: 1,000 € + 500 € gross; 100 € + 20 € refunded; 3 + 1 disputes.
        seed_metrics(
            store, first, revenue_cents=100_000, refunded_cents=10_000, net_revenue_cents=90_000,
            refunds=4, disputes_opened=3, dispute_amount_cents=14_700, payments_succeeded=300,
            early_fraud_warnings=2, refunded_cents_usd=700,
        )  # fmt: skip
        seed_metrics(
            store, last, revenue_cents=50_000, refunded_cents=2_000, net_revenue_cents=48_000,
            refunds=1, disputes_opened=1, dispute_amount_cents=4_900, payments_succeeded=100,
            early_fraud_warnings=0,
        )  # fmt: skip
        seed_metrics(store, first - timedelta(days=1), revenue_cents=99_999_00)  # September
        seed_metrics(
            store, first, openai_input_tokens=800_000, openai_output_tokens=200_000,
            openai_cached_tokens=100_000, openai_requests=900, chat_conversations=500,
            openai_model_tokens_gpt_4o_mini=700_000, openai_model_tokens_gpt_4o=300_000,
            storage_bytes=1_500_000, storage_objects=10,
        )  # fmt: skip
        seed_metrics(
            store, last, storage_bytes=4_000_000, storage_objects=25,
            storage_bucket_bytes_workshop_uploads=3_000_000, storage_bucket_bytes_logos=1_000_000,
        )  # fmt: skip
    sections, figures, rendered = build(migrated_db)
    shown = {k: figures[k].value for k in (
        "revenue_cents", "refunded_cents", "net_revenue_cents", "refunds", "disputes_opened",
        "dispute_amount_cents", "dispute_rate_pct", "early_fraud_warnings",
    )}  # fmt: skip
    assert shown == {
        "revenue_cents": 1500.0,
        "refunded_cents": 120.0,
        "net_revenue_cents": 1380.0,
        "refunds": 5,
        "disputes_opened": 4,
        "dispute_amount_cents": 196.0,
        "dispute_rate_pct": 1.0,  # 4 / 400
        "early_fraud_warnings": 2,
    }
    assert figures["revenue_cents"].label == "Revenue (gross)"
    assert "Refunds in other currencies: 7.00 USD" in sections["revenue"].lines
    assert figures["openai_input_tokens"].value == 800_000
    assert figures["openai_tokens_per_conversation"].value == 2000.0  # 1,000,000 / 500
    costs = sections["costs"].lines
    assert "Tokens by model: gpt_4o_mini 700,000, gpt_4o 300,000" in costs
    assert costs[-1] == (
        f"Supabase Storage on {last}: 4.0 MB in 25 objects (+2.5 MB since {first});"
        " by bucket: workshop_uploads 3.0 MB, logos 1.0 MB"
    )
    assert "Net revenue (gross − refunds)" in rendered


def test_without_the_new_sources_the_figures_say_why(migrated_db: str) -> None:
    _, figures, _ = build(migrated_db)
    assert figures["disputes_opened"].missing == "no data: no Stripe dispute metrics"
    assert figures["refunded_cents"].missing == "no data: no Stripe refund metrics"
    assert figures["openai_input_tokens"].missing.startswith("no data: no OpenAI usage")
