"""CarBot's own tables (registrations, leads, chat conversations), counted in SQL per day."""

from __future__ import annotations

from dataclasses import dataclass

from lib.core.monitor_config import MetricSources, TableSource
from lib.metrics import SourceContext, SourceError


@dataclass(frozen=True)
class TableCount:
    """Rows of one configured table whose timestamp column falls in the day (`count_rows`)."""

    metric: str
    uses_store = True

    @property
    def name(self) -> str:
        return f"carbot.{self.metric}"

    def missing(self, ctx: SourceContext) -> str | None:
        return None

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        source: TableSource = getattr(ctx.config.metrics, self.metric)
        window = ctx.window
        count = ctx.store.count_rows(
            source.table,
            source.column,
            window.start,
            window.end,
            source.filter_column,
            source.filter_value,
        )
        if count is None:
            columns = ", ".join(c for c in (source.column, source.filter_column) if c)
            raise SourceError(f"table public.{source.table} or column {columns} does not exist")
        return {self.metric: count}


TABLE_SOURCES = tuple(TableCount(metric) for metric in MetricSources.model_fields)
