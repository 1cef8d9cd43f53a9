"""Alerting: the rules (docs/alerts.md), the ok → firing → ok engine, maintenance windows."""
