"""The one markdown dialect of a lesson, its safe HTML subset, and the pieces a text is cut into."""
