"""CarBot's own traffic from Vercel Drains: receive, bucket, query (docs/traffic.md)."""
