"""A fake vendor status page on 127.0.0.1: Statuspage v2 `summary.json` and an Atom feed.

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
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply

INDICATORS = {"none": "All Systems Operational", "minor": "Minor Service Outage"}


class FakeStatusPage(FakeUpstream):
    """`GET /api/v2/summary.json` and `GET /history.atom`; tests set `incidents` and modes."""

    def __init__(self) -> None:
        super().__init__(name="statuspage")
        self.incidents: list[dict[str, Any]] = []  # {id, name, status, impact, at}
        self.route("GET", r"/api/v2/summary.json")(self._summary)

    def reset(self) -> None:
        super().reset()
        self.incidents = []

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
            "scheduled_maintenances": [],
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
        if request.path == "/history.atom" and self.mode in ("ok", "slow"):
            time.sleep(self.delay_s + (self.slow_s if self.mode == "slow" else 0))
            return 200, self._feed(), "application/atom+xml"
        return super()._dispatch(request)
