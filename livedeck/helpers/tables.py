"""`tensor_table` and `table`: the tables a lesson shows, built from live values."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Optional

from livedeck.helpers.display import TableData, show

TENSOR_ROWS = ("data", "grad", "grad_fn", "is_leaf", "requires_grad")
ADDRESS = re.compile(r" (?:object )?at 0x[0-9a-fA-F]+")
MAX_SHOWN = 4  # values shown of a long tensor: first two … last two


def without_address(text: str) -> str:
    """`<PowBackward0 object at 0x7f…>` → `<PowBackward0 object>`: readable and reproducible."""
    return ADDRESS.sub(lambda m: " object" if "object" in m.group(0) else "", text)


def _number(value: float) -> str:
    text = f"{value:.4g}"
    # 3.0 stays "3.0" (a float, as torch prints it), not "3" (an int to a student).
    return text + ".0" if text.lstrip("-").isdigit() else text


def shape_text(tensor: Any) -> str:
    """`3×2`: a tensor's shape as a slide shows it."""
    return "×".join(str(n) for n in tensor.shape)


def format_tensor(tensor: Any) -> str:
    """A compact, slide-sized rendering of a tensor's values (no grad_fn, no dtype noise)."""
    if tensor is None:
        return "None"
    values = tensor.detach().reshape(-1).tolist()
    if tensor.dim() == 0:
        return _number(values[0]) if isinstance(values[0], float) else str(values[0])
    shown = [_number(v) if isinstance(v, float) else str(v) for v in values]
    if len(shown) > MAX_SHOWN + 1:
        shown = shown[:2] + ["…"] + shown[-2:]
    return f"[{', '.join(shown)}]" + (f" ({shape_text(tensor)})" if len(values) > MAX_SHOWN + 1 or tensor.dim() > 1 else "")


def _grad(tensor: Any) -> str:
    # Reading .grad of a non-leaf warns; it is None unless retain_grad() was called.
    if not tensor.is_leaf and not tensor.retains_grad:
        return "None"
    return format_tensor(tensor.grad)


def _grad_fn(tensor: Any) -> str:
    return "None" if tensor.grad_fn is None else type(tensor.grad_fn).__name__


def tensor_table(caption: str = "", **tensors: Any) -> None:
    """Show a table of autograd attributes, one column per named tensor.

    >>> tensor_table(x=x, y=y)   # rows: data, grad, grad_fn, is_leaf, requires_grad
    """
    if not tensors:
        raise TypeError("tensor_table() needs at least one named tensor, e.g. tensor_table(x=x)")
    for name, tensor in tensors.items():
        if not hasattr(tensor, "grad_fn"):
            raise TypeError(f"tensor_table(): {name} is a {type(tensor).__name__}, not a tensor")
    cells = {
        "data": format_tensor,
        "grad": _grad,
        "grad_fn": _grad_fn,
        "is_leaf": lambda t: str(t.is_leaf),
        "requires_grad": lambda t: str(t.requires_grad),
    }
    rows = tuple((row, *(cells[row](t) for t in tensors.values())) for row in TENSOR_ROWS)
    show(TableData(("", *tensors), rows, caption))


def table(rows: Iterable[Sequence[Any]], header: Optional[Sequence[Any]] = None, caption: str = "") -> None:
    """Show any table: `table([[1, 2], [3, 4]], header=["a", "b"])`."""
    body = tuple(tuple(without_address(str(cell)) for cell in row) for row in rows)
    head = tuple(str(cell) for cell in header) if header is not None else ()
    widths = {len(row) for row in body} | ({len(head)} if head else set())
    if len(widths) > 1:
        raise ValueError(f"table(): every row and the header need the same number of cells, got {sorted(widths)}")
    if not body and not head:
        raise ValueError("table(): no rows")
    show(TableData(head, body, caption))
