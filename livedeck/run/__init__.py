"""The executor: a lesson's cells run in a worker, and what they showed recorded as model blocks."""
