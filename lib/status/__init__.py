"""Status communication (SPEC §13): components, incidents, maintenance, subscribers, feed."""
