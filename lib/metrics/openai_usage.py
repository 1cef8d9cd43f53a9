"""OpenAI: the organization's completion tokens of the day per model (admin key), from
`GET /organization/usage/completions` (https://platform.openai.com/docs/api-reference/usage/completions).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lib.core.errors import caused_by, status_reason
from lib.metrics import SourceContext, SourceError
from lib.metrics.openai_costs import MAX_PAGES, REQUEST_TIMEOUT_S, utc_day_bounds

MODEL_PREFIX = "openai_model_tokens_"
_NOT_NAME = re.compile(r"[^a-z0-9]+")
UNNAMED_MODEL = "unknown"


def model_metric(model: str | None) -> str:
    """`openai_model_tokens_<slug>`: the stored name of a model's tokens (a metric name is
    `[a-z0-9_]`, at most 64 characters; two models slugging alike share one row)."""
    slug = _NOT_NAME.sub("_", (model or UNNAMED_MODEL).lower()).strip("_") or UNNAMED_MODEL
    return (MODEL_PREFIX + slug)[:64]


def model_tokens(values: dict[str, float]) -> dict[str, float]:
    """{model slug: input + output tokens} of one day's stored metrics."""
    return {
        name.removeprefix(MODEL_PREFIX): value
        for name, value in values.items()
        if name.startswith(MODEL_PREFIX)
    }


class OpenAIUsage:
    """Input, output and cached input tokens and requests of the day's UTC bucket, per model.

    Buckets are UTC days, as for costs (`utc_day_bounds`): the tokens and the cost of one day
    cover the same 24 hours.
    """

    name = "openai.usage"
    uses_store = False

    def missing(self, ctx: SourceContext) -> str | None:
        return None if ctx.settings.openai_admin_key is not None else "OPENAI_ADMIN_KEY is not set"

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        import openai

        settings = ctx.settings
        assert settings.openai_admin_key is not None
        client = openai.OpenAI(
            admin_api_key=settings.openai_admin_key.get_secret_value(),
            base_url=str(settings.openai_base_url).rstrip("/"),
            timeout=ctx.timeout(REQUEST_TIMEOUT_S),
            max_retries=0,
        )
        try:
            return self._read(ctx, client)
        except openai.APIStatusError as error:
            raise SourceError(status_reason(error.status_code)) from None
        except openai.APITimeoutError:
            raise SourceError("timeout") from None
        except openai.APIConnectionError as error:
            refused = caused_by(error, ConnectionRefusedError)
            raise SourceError("connection refused" if refused else "connection failed") from None
        except (openai.APIResponseValidationError, ValueError, TypeError):
            raise SourceError("malformed response") from None

    def _read(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        start, end = utc_day_bounds(ctx)
        totals: Counter[str] = Counter()
        per_model: Counter[str] = Counter()
        page: str | None = None
        for _ in range(MAX_PAGES):
            ctx.check_deadline("OpenAI usage pagination")
            response = client.admin.organization.usage.completions(
                start_time=start,
                end_time=end,
                bucket_width="1d",
                group_by=["model"],
                **({"page": page} if page else {}),
            )
            for bucket in response.data:
                for result in bucket.results:
                    if getattr(result, "object", None) != "organization.usage.completions.result":
                        continue
                    tokens = int(result.input_tokens) + int(result.output_tokens)
                    totals["input"] += int(result.input_tokens)
                    totals["output"] += int(result.output_tokens)
                    totals["cached"] += int(result.input_cached_tokens or 0)
                    totals["requests"] += int(result.num_model_requests)
                    per_model[model_metric(result.model)] += tokens
            if not response.has_more or not response.next_page:
                return {
                    "openai_input_tokens": totals["input"],
                    "openai_output_tokens": totals["output"],
                    "openai_cached_tokens": totals["cached"],
                    "openai_requests": totals["requests"],
                    **per_model,
                }
            page = response.next_page
        raise SourceError(f"more than {MAX_PAGES} pages of usage for one day")
