"""Deployments: Vercel account webhooks stored per event id, each deployment's state timeline."""
