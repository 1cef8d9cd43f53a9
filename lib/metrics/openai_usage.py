"""OpenAI: the organization's completion tokens of the day per model (admin key), from
`GET /organization/usage/completions` (https://platform.openai.com/docs/api-reference/usage/completions).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lib.core.not_configured import NotConfigured, missing
from lib.metrics import SourceContext, SourceError
from lib.metrics.openai_costs import MAX_PAGES, admin_client, openai_errors, utc_day_bounds

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

    def missing(self, ctx: SourceContext) -> NotConfigured | None:
        return missing(OPENAI_ADMIN_KEY=ctx.settings.openai_admin_key)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        with openai_errors():
            figures = self._read(ctx, admin_client(ctx))
        return figures

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
