"""The build: plan, run the lessons in workers, cache, lay out and publish every format, report."""
