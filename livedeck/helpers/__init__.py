"""What lessons import to show things: `tensor_table`, `table` and `grad_graph` (re-exported by
`livedeck` itself, as `from livedeck import tensor_table`)."""
