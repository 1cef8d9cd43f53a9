"""One module per HTTP endpoint: each turns a Request into a Response (api/ files route here)."""
