"""Probes of the `spiral_2d` exercise (self-contained: relative imports only)."""

PROBES = {}
