"""Training engines of the tooling: `lean.train` (one run, the reference's
numbers without the overhead) and `batched` (many runs at once, for the sweep
and calibration). The reference (`toyopt_ref`) and the student's exercises
keep the plain loop."""
