"""`opendata build` as declared steps: what each step reads and writes, the parallel runner, and the
staging folder swapped into place."""
