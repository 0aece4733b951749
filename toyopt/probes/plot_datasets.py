"""Probes of the `plot_datasets` exercise (self-contained: relative imports only)."""

PROBES = {}
