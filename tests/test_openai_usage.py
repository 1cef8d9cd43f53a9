"""OpenAI completion tokens per model (lib/metrics/openai_usage.py) through the SDK against the
fake, which checks each query and answers in the described shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from lib.metrics.openai_usage import model_metric, model_tokens
from tests.business_run import BERLIN, business_settings, day_report, recent_ordinary_day, run_cron
from tests.conftest import SECRETS
from tests.fakes.business import UsageOpenAI
from tests.fakes.shapes import validate, validate_response
from tests.local_http import LOCAL_HTTP

DAY = recent_ordinary_day()
EXAMPLE = Path(__file__).parent / "fixtures" / "vendors" / "openai" / "usage-completions.json"
ADMIN = {"Authorization": f"Bearer {SECRETS['OPENAI_ADMIN_KEY']}"}


@pytest.fixture(scope="module")
def openai() -> Iterator[UsageOpenAI]:
    fake = UsageOpenAI()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _reset(openai: UsageOpenAI) -> Iterator[None]:
    openai.reset()
    yield
    assert openai.refused == [], "the monitor sent a query outside OpenAI's description"


def utc(day_offset: int, hour: int, minute: int = 0) -> datetime:
    moment = DAY + timedelta(days=day_offset)
    return datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=UTC)


def test_buckets_across_the_berlin_day_boundary(migrated_db: str, openai: UsageOpenAI) -> None:
    """OpenAI's buckets are UTC days, as its costs: the day's tokens are the UTC date's bucket,
    so 23:30 UTC (00:30 the next day in Berlin) is in, and 23:30 UTC the evening before (00:30
    of this day in Berlin) is not; costs and tokens of one day cover the same 24 hours."""
    openai.add_usage(utc(0, 0, 10), "gpt-4o-mini", 1000, 200, cached=300, requests=4)
    openai.add_usage(utc(0, 23, 30), "gpt-4o-mini", 500, 100, requests=2)  # Berlin: next day
    openai.add_usage(utc(0, 12), "gpt-4o-2024-08-06", 4000, 1000, cached=1000, requests=3)
    openai.add_usage(utc(-1, 23, 30), "gpt-4o-mini", 99999, 99999)  # Berlin: this day, UTC: not
    openai.add_usage(utc(1, 0, 0), "gpt-4o-mini", 77777, 77777)  # the next UTC day
    assert utc(0, 23, 30).astimezone(BERLIN).date() == DAY + timedelta(days=1)
    assert utc(-1, 23, 30).astimezone(BERLIN).date() == DAY
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("create table public.chat_conversations (id serial, created_at timestamptz)")
        conn.execute(
            "insert into public.chat_conversations (created_at)"
            " select %s from generate_series(1, 10)",
            (datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=BERLIN),),
        )
    answer = run_cron(business_settings(migrated_db, None, openai.base_url), day=str(DAY))
    metrics = day_report(answer, DAY)["metrics"]
    tokens = {k: v for k, v in metrics.items() if k.startswith("openai_") and "cost" not in k}
    assert tokens == {
        "openai_input_tokens": 1000 + 500 + 4000,
        "openai_output_tokens": 200 + 100 + 1000,
        "openai_cached_tokens": 300 + 1000,
        "openai_requests": 4 + 2 + 3,
        "openai_model_tokens_gpt_4o_mini": 1000 + 200 + 500 + 100,
        "openai_model_tokens_gpt_4o_2024_08_06": 5000,
        "openai_tokens_per_conversation": (5500 + 1300) / 10,
    }
    [request] = [r for r in openai.requests if r.path.endswith("/usage/completions")]
    start = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC).timestamp())
    assert request.arg("start_time") == str(start) and request.arg("bucket_width") == "1d"
    assert request.arg("end_time") == str(start + 86400)


def test_the_vendor_example_unchanged_then_a_second_page(
    migrated_db: str, openai: UsageOpenAI
) -> None:
    """OpenAI's published example (model null: not grouped) is read as it is, and its
    `next_page` is followed to a last page."""
    example = json.loads(EXAMPLE.read_text())
    validate_response("openai", "GET", "/organization/usage/completions", 200, example)
    last = {"object": "page", "data": [], "has_more": False, "next_page": None}
    validate_response("openai", "GET", "/organization/usage/completions", 200, last)
    openai.scripted = [example, last]
    answer = run_cron(business_settings(migrated_db, None, openai.base_url), day=str(DAY))
    metrics = day_report(answer, DAY)["metrics"]
    assert metrics["openai_input_tokens"] == 1000 and metrics["openai_output_tokens"] == 500
    assert metrics["openai_cached_tokens"] == 400 and metrics["openai_requests"] == 5
    assert metrics["openai_model_tokens_unknown"] == 1500
    pages = [r for r in openai.requests if r.path.endswith("/usage/completions")]
    assert [p.arg("page") for p in pages] == [None, example["next_page"]]


def test_fake_bodies_and_queries_follow_the_description(openai: UsageOpenAI) -> None:
    openai.add_usage(utc(0, 9), "gpt-4o-mini", 10, 5)
    url = openai.base_url + "/organization/usage/completions"
    start = str(int(utc(-2, 0).timestamp()))
    params = {"start_time": start, "limit": "2", "group_by": "model"}
    first = LOCAL_HTTP.get(url, params=params, headers=ADMIN).json()
    validate_response("openai", "GET", "/organization/usage/completions", 200, first)
    assert first["has_more"] is True and len(first["data"]) == 2
    second = LOCAL_HTTP.get(
        url, params={**params, "page": first["next_page"]}, headers=ADMIN
    ).json()
    validate_response("openai", "GET", "/organization/usage/completions", 200, second)
    assert second["data"][0]["results"][0]["model"] == "gpt-4o-mini"
    refused = LOCAL_HTTP.get(url, params={**params, "group": "model"}, headers=ADMIN)
    assert refused.status_code == 400
    validate("openai", {"$ref": "#/components/schemas/ErrorResponse"}, refused.json())
    assert openai.refused == ["unknown parameter group"]
    openai.refused.clear()


def test_without_the_admin_key_the_source_is_absent_and_named(migrated_db: str) -> None:
    report = day_report(run_cron(business_settings(migrated_db, None, None), day=str(DAY)), DAY)
    assert report["skipped"]["openai.usage"] == "OPENAI_ADMIN_KEY is not set"
    assert not any(k.startswith("openai_") for k in report["metrics"])


def test_model_names_become_metric_names() -> None:
    assert model_metric("gpt-4o-mini-2024-07-18") == "openai_model_tokens_gpt_4o_mini_2024_07_18"
    assert model_metric(None) == "openai_model_tokens_unknown"
    assert model_metric("ft:gpt-4o:carbot::" + "x" * 80).startswith("openai_model_tokens_ft_gpt")
    assert len(model_metric("m" * 200)) == 64
    assert model_tokens({"openai_model_tokens_o3": 5.0, "leads": 2.0}) == {"o3": 5.0}
