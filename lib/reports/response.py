"""Incident response measured against the guide: time to acknowledge and to resolve per episode,
and per severity over the period (critical: acknowledged within 15 min; warning: within 24 h).

An episode is within target when it was acknowledged, or resolved unacknowledged, within its
severity's target (nobody needs to acknowledge what is already over). Episodes that began muted
(maintenance) and were never announced are not counted: nobody was paged.
"""

from __future__ import annotations

from datetime import datetime
from statistics import median

from lib.reports.common import duration
from lib.reports.history import AlertEpisode
from lib.reports.model import Figure, Section, Table

# The guide's response targets ("Immediate Response", "24-hour Response"), in seconds.
TARGETS: dict[str, float] = {"critical": 15 * 60, "warning": 24 * 3600}


def handled_after(episode: AlertEpisode) -> float | None:
    """Seconds until acknowledged (or resolved unacknowledged); None while neither happened."""
    if episode.time_to_acknowledge_s is not None:
        return episode.time_to_acknowledge_s
    return episode.duration_s


def within_target(episode: AlertEpisode, now: datetime) -> bool:
    target = TARGETS[episode.severity]
    after = handled_after(episode)
    if after is None:  # still open and unacknowledged: late once the target has passed
        return (now - episode.started_at).total_seconds() <= target
    return after <= target


def counted(episodes: list[AlertEpisode]) -> list[AlertEpisode]:
    paged = [e for e in episodes if e.severity in TARGETS and not (e.silenced and e.level == 0)]
    return sorted(paged, key=lambda e: e.started_at)


def _minutes(seconds: list[float]) -> str:
    return duration(median(seconds)) if seconds else "n/a"


def response_lines(episodes: list[AlertEpisode], now: datetime) -> list[str]:
    """One line per severity: episodes, acknowledged, median times, within target."""
    lines = []
    for severity, target in TARGETS.items():
        group = [e for e in counted(episodes) if e.severity == severity]
        if not group:
            lines.append(f"{severity.capitalize()}: no episode.")
            continue
        acked = [e.time_to_acknowledge_s for e in group if e.time_to_acknowledge_s is not None]
        resolved = [e.duration_s for e in group if e.duration_s is not None]
        met = sum(within_target(e, now) for e in group)
        lines.append(
            f"{severity.capitalize()}: {len(group)} episodes, {len(acked)} acknowledged; "
            f"median time to acknowledge {_minutes(acked)}, to resolve {_minutes(resolved)}; "
            f"{met} of {len(group)} handled within the target ({duration(target)})."
        )
    return lines


def response_figures(episodes: list[AlertEpisode], now: datetime) -> list[Figure]:
    figures = []
    for severity in TARGETS:
        group = [e for e in counted(episodes) if e.severity == severity]
        share = 100 * sum(within_target(e, now) for e in group) / len(group) if group else None
        figures.append(
            Figure.of(
                f"response_within_target_pct:{severity}",
                f"{severity.capitalize()} alerts handled within target",
                "%",
                share,
                missing=f"no {severity} episode",
                digits=1,
            )
        )
    return figures


def response_table(episodes: list[AlertEpisode], now: datetime) -> Table | None:
    group = counted(episodes)
    if not group:
        return None
    rows = [
        [
            e.rule,
            e.severity,
            e.acknowledged_by or ("-" if e.time_to_acknowledge_s is None else "someone"),
            "-" if e.time_to_acknowledge_s is None else duration(e.time_to_acknowledge_s),
            duration(e.duration_s),
            str(e.level),
            "yes" if within_target(e, now) else "no",
        ]
        for e in group
    ]
    columns = ["Rule", "Severity", "Acknowledged by", "To acknowledge", "To resolve", "Level"]
    return Table(columns=[*columns, "Within target"], rows=rows)


def response_section(episodes: list[AlertEpisode], now: datetime) -> Section:
    """The weekly report's "Incident Response" section."""
    return Section(
        id="response",
        title="Incident Response",
        figures=response_figures(episodes, now),
        lines=response_lines(episodes, now),
        table=response_table(episodes, now),
    )
