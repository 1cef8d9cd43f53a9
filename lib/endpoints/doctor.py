"""GET /api/doctor: the setup doctor's checklist as JSON (HEALTH_TOKEN)."""

from __future__ import annotations

from lib.core.http import Request, Response, json_response, require_token


def doctor_response(request: Request) -> Response:
    """Always 200 when the doctor ran: a failing item is a finding, not an endpoint error."""
    from lib.doctor import run_doctor

    require_token(request)
    return json_response(run_doctor(request.settings))
