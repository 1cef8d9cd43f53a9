"""Reports: alert history, the weekly health report and the monthly business report (SPEC §7)."""
