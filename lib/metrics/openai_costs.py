"""OpenAI: the organization's costs of the day (admin key), from `GET /organization/costs`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from lib.core.errors import caused_by, status_reason
from lib.core.not_configured import NotConfigured, missing
from lib.metrics import DayWindow, SourceContext, SourceError

REQUEST_TIMEOUT_S = 10.0
MAX_PAGES = 10


def utc_day_bounds(ctx: SourceContext) -> tuple[int, int]:
    """OpenAI buckets costs by UTC day (only `1d` exists): ask for the UTC date of the same name.

    Asking for the local window instead would return the two UTC buckets it overlaps, whole,
    and consecutive days would count the same costs twice.
    """
    utc = DayWindow.of(ctx.window.day, ZoneInfo("UTC"))
    return utc.start_ts, utc.end_ts


def admin_client(ctx: SourceContext) -> Any:
    """The SDK on the admin key, with the run's timeout and no retries (its default is 2 retries,
    each with a 600 s read timeout)."""
    import openai

    settings = ctx.settings
    assert settings.openai_admin_key is not None
    return openai.OpenAI(
        admin_api_key=settings.openai_admin_key.get_secret_value(),
        base_url=str(settings.openai_base_url).rstrip("/"),
        timeout=ctx.timeout(REQUEST_TIMEOUT_S),
        max_retries=0,
    )


@contextmanager
def openai_errors() -> Iterator[None]:
    """The SDK's failures as a SourceError with a short reason (never a key or a body)."""
    import openai

    try:
        yield
    except openai.APIStatusError as error:
        raise SourceError(status_reason(error.status_code)) from None
    except openai.APITimeoutError:
        raise SourceError("timeout") from None
    except openai.APIConnectionError as error:
        refused = caused_by(error, ConnectionRefusedError)
        raise SourceError("connection refused" if refused else "connection failed") from None
    except (openai.APIResponseValidationError, ValueError, TypeError):  # ValueError: not JSON
        raise SourceError("malformed response") from None


class OpenAICosts:
    """Sum of every cost result (USD) in the day's bucket, all pages."""

    name = "openai"
    uses_store = False

    def missing(self, ctx: SourceContext) -> NotConfigured | None:
        return missing(OPENAI_ADMIN_KEY=ctx.settings.openai_admin_key)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        client = admin_client(ctx)
        start, end = utc_day_bounds(ctx)
        total = 0.0
        page: str | None = None
        with openai_errors():
            for _ in range(MAX_PAGES):
                ctx.check_deadline("OpenAI pagination")
                response = client.admin.organization.usage.costs(
                    start_time=start,
                    end_time=end,
                    bucket_width="1d",
                    **({"page": page} if page else {}),
                )
                for bucket in response.data:
                    for result in bucket.results:
                        amount = getattr(result, "amount", None)
                        if amount is None or amount.value is None:
                            continue
                        if (amount.currency or "usd").lower() != "usd":
                            raise SourceError(f"cost in unexpected currency {amount.currency}")
                        total += amount.value
                if not response.has_more or not response.next_page:
                    return {"openai_cost_usd": round(total, 6)}
                page = response.next_page
        raise SourceError(f"more than {MAX_PAGES} pages of costs for one day")
