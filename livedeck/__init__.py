"""livedeck: runnable PyTorch lessons become reveal.js and PowerPoint decks.

Lessons import the table helpers from here; importing livedeck stays light
(no torch, no matplotlib) so a no-op rebuild never pays for them.
"""
from livedeck.tables import table, tensor_table

__version__ = "0.1.0"
__all__ = ["table", "tensor_table", "__version__"]
