"""What the security and capacity rules read: one store call a run (lib/drains/store.py)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class AbuseCandidate(BaseModel):
    """One network's requests to one route in the current and last hour, and 4 weeks before."""

    network: str
    route: str
    requests: int
    route_requests: int
    baseline_requests: int
    baseline_route_requests: int


class VisitorSignals(BaseModel):
    """monitoring_visitor_signals(now); the lists hold only what the SQL found."""

    edge_first: datetime | None
    violations: list[tuple[datetime, int]]  # firewall rate_limit + deny per hour with any
    top_networks: list[tuple[str, int]]
    top_routes: list[tuple[str, int]]
    abuse: list[AbuseCandidate]
    abuse_firing: list[str]  # alert keys of abuse_suspected firing now
    client_errors: tuple[int, int]  # (requests, 4xx) in the last 15 minutes, as counted
    countries_recent: list[tuple[str, int]]  # page views per country in the last 24 hours
    countries_days: list[tuple[str, int, int]]  # (country, days before those 24 h, page views)
    analytics_first: datetime | None
    capacity: list[tuple[str, date, float]]  # (metric, day, value): 35 days of daily metrics
