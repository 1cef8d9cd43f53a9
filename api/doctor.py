"""GET|HEAD /api/doctor: the guide's monitoring checklist checked live (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.doctor import doctor_response

app = endpoint(doctor_response)
