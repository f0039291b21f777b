"""Major hazard installations, their sensors, the ingest of readings, and alarms."""
