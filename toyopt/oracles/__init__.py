"""Instructor side only: producers of the visible checks' expected values.

Each module ``toyopt.oracles.<exercise>`` registers, with
`toyopt_check.checks.expect.producer`, a function that runs the live reference
(`toyopt_ref`) on fixed inputs. `toyopt release` writes their output into the
student runtime as data; nothing of this package is ever shipped to students.
"""
