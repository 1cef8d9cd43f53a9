"""CarBot Monitor: health endpoints, checks, metrics, alerts and reports for CarBot on Vercel."""

__version__ = "0.1.0"
