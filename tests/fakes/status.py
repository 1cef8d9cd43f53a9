"""A fake vendor status page on 127.0.0.1: Statuspage v2 `summary.json` and an Atom feed.

`serve_fixture(name)` answers with a vendor-format fixture of tests/fixtures/vendors/ (Statuspage
`summary.json` or `history.atom`, incident.io `history.atom`; their sources in SOURCES.md) instead
of the generated bodies below.

summary.json in the shape of Atlassian Statuspage's public API (documented on every page's
`/api`, e.g. https://www.vercel-status.com/api, and https://metastatuspage.com/api):
`{page: {id, name, url, time_zone, updated_at}, status: {indicator, description}, components,
incidents (unresolved, each with incident_updates), scheduled_maintenances}`.
The feed in incident.io's Atom shape (status.openai.com/history.atom): one <entry> per incident,
its newest update first in <summary> as `<b>Status: Investigating</b>`.
"""

from __future__ import annotations

import time
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply

VENDORS = Path(__file__).resolve().parents[1] / "fixtures" / "vendors"
INDICATORS = {"none": "All Systems Operational", "minor": "Minor Service Outage"}


class FakeStatusPage(FakeUpstream):
    """`GET /api/v2/summary.json` and `GET /history.atom`; tests set `incidents` and modes."""

    def __init__(self) -> None:
        super().__init__(name="statuspage")
        self.incidents: list[dict[str, Any]] = []  # {id, name, status, impact, at}
        self.fixture: bytes | None = None  # served as it is by both paths
        self.maintenances: list[dict[str, Any]] = []  # {id, name, status, at, start, end}
        self.route("GET", r"/api/v2/summary.json")(self._summary)

    def reset(self) -> None:
        super().reset()
        self.incidents = []
        self.fixture = None
        self.maintenances = []

    def serve_fixture(self, name: str) -> bytes:
        """Answer with tests/fixtures/vendors/<name>, unchanged; returns its bytes."""
        self.fixture = (VENDORS / name).read_bytes()
        return self.fixture

    @property
    def summary_url(self) -> str:
        return self.url + "/api/v2/summary.json"

    @property
    def feed_url(self) -> str:
        return self.url + "/history.atom"

    def open_incident(
        self, name: str, at: datetime, impact: str = "major", link: str | None = None
    ) -> None:
        """`link`: the incident's URL as the page sends it (a hostile page sends anything)."""
        number = len(self.incidents) + 1
        self.incidents.append(
            {
                "id": f"inc{number}",
                "name": name,
                "status": "investigating",
                "impact": impact,
                "at": at,
                "link": link,
            }
        )

    def schedule_maintenance(
        self, name: str, at: datetime, start: datetime, end: datetime, status: str = "scheduled"
    ) -> None:
        """Announced at `at` for start–end; status scheduled | in_progress | completed."""
        self.maintenances.append(
            {
                "id": f"mnt{len(self.maintenances) + 1}",
                "name": name,
                "status": status,
                "at": at,
                "start": start,
                "end": end,
            }
        )

    def resolve_all(self) -> None:
        for incident in self.incidents:
            incident["status"] = "resolved"

    def _summary(self, request: FakeRequest) -> Reply:
        unresolved = [i for i in self.incidents if i["status"] != "resolved"]
        indicator = "minor" if unresolved else "none"
        return 200, {
            "page": {
                "id": "kctbh9vrtdwd",
                "name": "Fake",
                "url": self.url,
                "time_zone": "Etc/UTC",
                "updated_at": "2026-12-03T10:00:00.000Z",
            },
            "status": {"indicator": indicator, "description": INDICATORS[indicator]},
            "components": [
                {
                    "id": "cmp1",
                    "name": "API",
                    "status": "partial_outage" if unresolved else "operational",
                    "created_at": "2020-01-01T00:00:00.000Z",
                    "updated_at": "2026-12-03T10:00:00.000Z",
                    "position": 1,
                    "description": None,
                    "showcase": True,
                    "start_date": None,
                    "group_id": None,
                    "page_id": "kctbh9vrtdwd",
                    "group": False,
                    "only_show_if_degraded": False,
                }
            ],
            "incidents": [
                {
                    "id": i["id"],
                    "name": i["name"],
                    "status": i["status"],
                    "impact": i["impact"],
                    "created_at": i["at"].isoformat(),
                    "updated_at": i["at"].isoformat(),
                    "monitoring_at": None,
                    "resolved_at": None,
                    "started_at": i["at"].isoformat(),
                    "shortlink": i.get("link") or f"https://stspg.io/{i['id']}",
                    "page_id": "kctbh9vrtdwd",
                    "incident_updates": [
                        {
                            "id": f"upd-{i['id']}",
                            "status": i["status"],
                            "body": "We are investigating.",
                            "incident_id": i["id"],
                            "created_at": i["at"].isoformat(),
                            "updated_at": i["at"].isoformat(),
                            "display_at": i["at"].isoformat(),
                            "affected_components": None,
                        }
                    ],
                    "components": [],
                }
                for i in unresolved
            ],
            "scheduled_maintenances": [
                {
                    "created_at": m["at"].isoformat(),
                    "id": m["id"],
                    "impact": "maintenance",
                    "incident_updates": [
                        {
                            "body": "Maintenance announced.",
                            "created_at": m["at"].isoformat(),
                            "display_at": m["at"].isoformat(),
                            "id": f"upd-{m['id']}",
                            "incident_id": m["id"],
                            "status": m["status"],
                            "updated_at": m["at"].isoformat(),
                        }
                    ],
                    "monitoring_at": None,
                    "name": m["name"],
                    "page_id": "kctbh9vrtdwd",
                    "resolved_at": None,
                    "scheduled_for": m["start"].isoformat(),
                    "scheduled_until": m["end"].isoformat(),
                    "shortlink": f"https://stspg.io/{m['id']}",
                    "status": m["status"],
                    "updated_at": m["at"].isoformat(),
                }
                # summary.json lists upcoming and in-progress maintenance only
                for m in self.maintenances
                if m["status"] != "completed"
            ],
        }

    def _feed(self) -> bytes:
        entries = "".join(
            f"""<entry>
  <title type="html"><![CDATA[{i["name"]}]]></title>
  <id>{self.url}/incidents/{i["id"]}</id>
  <link href="{escape(i.get("link") or f"{self.url}/incidents/{i['id']}")}"/>
  <published>{i["at"].isoformat()}</published>
  <updated>{i["at"].isoformat()}</updated>
  <summary type="html"><![CDATA[<b>Status: {escape(i["status"].title())}</b>Update]]></summary>
</entry>"""
            for i in reversed(self.incidents)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Fake status</title><generator>incident.io</generator>{entries}</feed>"
        ).encode()

    def _dispatch(self, request: FakeRequest) -> tuple[int, bytes, str]:
        known = request.path in ("/history.atom", "/api/v2/summary.json")
        if self.fixture is not None and known and self.mode == "ok":
            json = request.path.endswith(".json")
            return 200, self.fixture, "application/json" if json else "application/atom+xml"
        if request.path == "/history.atom" and self.mode in ("ok", "slow"):
            time.sleep(self.delay_s + (self.slow_s if self.mode == "slow" else 0))
            return 200, self._feed(), "application/atom+xml"
        return super()._dispatch(request)
