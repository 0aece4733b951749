"""Checks of the exercise (registered with `core.check`)."""
