"""Daily deployment metrics (docs/metrics.md): counts and build success, production apart."""

from __future__ import annotations

from lib.core.not_configured import NotConfigured
from lib.deployments.store import deployment_counts
from lib.metrics import SourceContext
from lib.metrics.coverage import uncovered


def _figures(counts: dict[str, int], suffix: str) -> dict[str, float]:
    values = {
        f"deployments{suffix}": float(counts["total"]),
        f"deployments_failed{suffix}": float(counts["error"]),
    }
    # Only finished builds count: a canceled or still-building deployment neither passed nor failed.
    finished = counts["ready"] + counts["error"]
    if finished:
        values[f"build_success_pct{suffix}"] = round(100.0 * counts["ready"] / finished, 2)
    return values


class DeploymentCounts:
    """Deployments created that day (webhook data): all targets, and production alone.

    Only from the first webhook event on: before it there was no webhook, not no deployment.
    Events are never pruned, so every later day without a deployment is a real 0.
    """

    name = "deployments"
    uses_store = True

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        if ctx.settings.vercel_webhook_secret is None:
            return NotConfigured(settings=("VERCEL_WEBHOOK_SECRET",), note="no deployment webhooks")
        return uncovered(ctx, "vercel_webhooks", "Vercel webhook event", None)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        counts = deployment_counts(ctx.store, ctx.window.start, ctx.window.end)
        production, preview = counts["production"], counts["preview"]
        every = {k: production[k] + preview[k] for k in production}
        return {**_figures(every, ""), **_figures(production, "_production")}


SOURCES = (DeploymentCounts(),)
