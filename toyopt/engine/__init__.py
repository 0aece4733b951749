"""Training engines of the tooling: `lean.train` (one run) and `batched` (many at once).
The reference (`toyopt_ref`) and the student's exercises keep the plain loop."""
