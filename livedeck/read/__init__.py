"""Lessons read: scripts and notebooks into cells, reStructuredText and magics understood, notices gathered."""
