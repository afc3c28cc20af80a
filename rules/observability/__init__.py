"""Observability rules (OBS ids): one module per rule, named after its id and name."""
