"""Evidence for a runbook: what the observation says, plus deployments and provider incidents."""

from __future__ import annotations

from datetime import datetime

from lib.alerts.rules.base import Observation
from lib.core.log import log
from lib.deployments.store import recent_deployments
from lib.notify.message import format_duration, format_time, format_value
from lib.providers.store import open_incidents
from lib.store import Store


def observation_evidence(obs: Observation, since: datetime) -> dict[str, str]:
    """What every alert knows: rule, instance, value, threshold, unit, message, since."""
    return {
        "rule": obs.rule,
        "instance": obs.key.partition(":")[2],
        "value": format_value(obs.value, "") if obs.value is not None else "",
        "threshold": format_value(obs.threshold, ""),
        "unit": obs.unit,
        "message": obs.message,
        "since": format_time(since),
    }


def alert_evidence(store: Store, obs: Observation, since: datetime) -> dict[str, str]:
    """The observation's evidence plus, where the store has them, the latest production
    deployment before the episode began and the open provider incidents."""
    found = observation_evidence(obs, since)
    found.update(_deployment(store, since))
    found.update(_incidents(store))
    return found


def _deployment(store: Store, since: datetime) -> dict[str, str]:
    try:
        deployments = recent_deployments(store, target="production", limit=10)
    except Exception as error:  # noqa: BLE001 - evidence is a bonus; the alert goes out anyway
        log.warning("runbook evidence: deployments unavailable: %s", type(error).__name__)
        return {}
    for deployment in deployments:
        live = deployment.promoted_at or deployment.ready_at or deployment.created_at
        if live is not None and live <= since:
            ago = format_duration((since - live).total_seconds())
            return {"deployment": f"{deployment.id} ({deployment.url})", "deployment_age": ago}
    return {}


def _incidents(store: Store) -> dict[str, str]:
    try:
        incidents = open_incidents(store)
    except Exception as error:  # noqa: BLE001 - as above
        log.warning("runbook evidence: incidents unavailable: %s", type(error).__name__)
        return {}
    if not incidents:
        return {}
    return {"incidents": "; ".join(f"{i.provider}: {i.name} ({i.status})" for i in incidents[:3])}
