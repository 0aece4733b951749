"""Instructor side only: producers of the visible checks' expected values.

Each module ``toyopt.oracles.<exercise>`` registers (`toyopt_check.checks.expect.producer`)
a function that runs the live reference on fixed inputs; `toyopt release` writes their
output into the student runtime as data, never this package itself.
"""
