"""Alerting: SPEC §6 rules, the ok → firing → ok state machine, maintenance windows, the cron."""
