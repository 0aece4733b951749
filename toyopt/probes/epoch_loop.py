"""Probes of the `epoch_loop` exercise (self-contained: relative imports only)."""

PROBES = {}
