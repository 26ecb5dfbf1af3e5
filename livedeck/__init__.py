"""livedeck: runnable PyTorch lessons become reveal.js and PowerPoint decks.

Lessons import their helpers from here (`tensor_table`, `table`, `grad_graph`); importing
livedeck stays light (no torch, no matplotlib) so a no-op rebuild never pays for them.
"""
from typing import Any

from livedeck.helpers.tables import table, tensor_table

__version__ = "0.1.0"
__all__ = ["__version__", "grad_graph", "table", "tensor_table"]


def __getattr__(name: str) -> Any:
    if name == "grad_graph":  # on first use only: it draws with matplotlib
        from livedeck.helpers.autograd_graph import grad_graph

        return grad_graph
    raise AttributeError(f"module 'livedeck' has no attribute {name!r}")
