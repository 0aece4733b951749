"""Probes of the `circular_mse` exercise (self-contained: relative imports only)."""

PROBES = {}
