"""`grad_graph(y)`: the graph autograd recorded behind a tensor, drawn as a lesson figure.

`walk` reads the graph (pure data, what tests compare with `grad_fn.next_functions`);
`layers` places it; `grad_graph` draws it with matplotlib only. Leaves sit on the left
like the inputs of a formula, the output on the right, and every arrow points the way
gradients flow during `backward()`: from the output back to the leaves.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Optional

from livedeck.describe import attach
from livedeck.helpers.tables import format_tensor, shape_text

MAX_NODES = 60  # beyond ~30 a slide is unreadable anyway; far beyond, refuse clearly

# Node kinds and how they look: leaves (tensors you made) vs the functions autograd recorded.
STYLE = {
    "output": {"fc": "#fde7c8", "ec": "#c26a00"},
    "function": {"fc": "#dbe8f8", "ec": "#2f5f9e"},
    "leaf": {"fc": "#d9f2d9", "ec": "#2e7d32"},
}


@dataclass(frozen=True)
class Node:
    key: int  # id() of the autograd node (of the tensor, for the output)
    kind: str  # "output", "function" (a backward node) or "leaf" (AccumulateGrad)
    label: str  # "PowBackward0", or the leaf's name in the lesson ("x")
    detail: str = ""  # second line: a leaf's shape (and grad), the tensor a function made


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[tuple[int, int], ...]  # (a, b): the gradient flows from node a to node b


def _shape(tensor: Any) -> str:
    return "scalar" if tensor.dim() == 0 else shape_text(tensor)


def _names(namespace: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    """The lesson's names (the first one bound, private names skipped) by id() of each tensor,
    and by id() of the backward node that made it."""
    tensors: dict[int, str] = {}
    made_by: dict[int, str] = {}
    for name, value in namespace.items():
        if not name.startswith("_") and hasattr(value, "grad_fn"):
            tensors.setdefault(id(value), name)
            if value.grad_fn is not None:
                made_by.setdefault(id(value.grad_fn), name)
    return tensors, made_by


def walk(tensor: Any, namespace: Optional[dict[str, Any]] = None, show_values: bool = False) -> Graph:
    """Every node reachable from `tensor.grad_fn` through `next_functions`, and its edges."""
    if not getattr(tensor, "requires_grad", False):
        raise ValueError("grad_graph(): this tensor does not require grad, so autograd recorded no graph "
                         "(create its inputs with requires_grad=True)")
    names, made_by = _names(namespace or {})

    def leaf_node(key: int, variable: Any) -> Node:
        detail = f"leaf · {_shape(variable)}"
        if show_values:
            detail += f"\ngrad = {format_tensor(variable.grad)}"
        return Node(key, "leaf", names.get(id(variable), "leaf"), detail)

    output_name = names.get(id(tensor), "output")
    if tensor.grad_fn is None:  # the tensor is itself a leaf: nothing recorded behind it
        return Graph((leaf_node(id(tensor), tensor),), ())

    output = Node(id(tensor), "output", output_name, _shape(tensor))
    nodes: dict[int, Node] = {output.key: output}
    edges: list[tuple[int, int]] = [(output.key, id(tensor.grad_fn))]
    queue = [tensor.grad_fn]
    visited = []  # the nodes themselves, kept alive so no id() is reused during the walk
    while queue:
        fn = queue.pop(0)
        if id(fn) in nodes:
            continue
        visited.append(fn)
        if len(nodes) >= MAX_NODES:
            raise ValueError(f"grad_graph(): the graph has more than {MAX_NODES} nodes, too many for a slide; "
                             "draw a smaller part of it (a tensor nearer the leaves)")
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: where a leaf's .grad is filled in
            nodes[id(fn)] = leaf_node(id(fn), variable)
            continue
        made = made_by.get(id(fn), "")
        nodes[id(fn)] = Node(id(fn), "function", type(fn).__name__,
                             f"makes {made}" if made and made != output_name else "")
        for parent, _ in fn.next_functions:
            if parent is not None:  # None: an input that needs no gradient
                edges.append((id(fn), id(parent)))
                queue.append(parent)
    return Graph(tuple(nodes.values()), tuple(dict.fromkeys(edges)))


def layers(graph: Graph) -> list[list[int]]:
    """Columns of node keys, output first: each node one column past its farthest predecessor,
    ordered within a column by the mean position of the nodes pointing at it (fewer crossings)."""
    into: dict[int, list[int]] = {node.key: [] for node in graph.nodes}
    for a, b in graph.edges:
        into[b].append(a)
    depth: dict[int, int] = {}

    def depth_of(key: int) -> int:
        if key not in depth:
            depth[key] = 1 + max((depth_of(a) for a in into[key]), default=-1)
        return depth[key]

    for node in graph.nodes:
        depth_of(node.key)
    columns: list[list[int]] = [[] for _ in range(max(depth.values()) + 1)]
    for node in graph.nodes:  # discovery order: a stable start for the ordering below
        columns[depth[node.key]].append(node.key)
    # A node's predecessors all sit in earlier columns, already ordered when it is sorted.
    position = {key: i for i, key in enumerate(columns[0])}
    for column in columns[1:]:
        column.sort(key=lambda k: sum(position[a] for a in into[k]) / max(1, len(into[k])))
        position.update({key: i for i, key in enumerate(column)})
    return columns


def describe(graph: Graph) -> str:
    """The graph in words, in the order gradients flow: "Autograd graph, arrows as gradients flow in
    backward(): y (output, scalar) → AddBackward0; AddBackward0 → MulBackward0, PowBackward0; …"."""
    def said(key: int) -> str:
        node = by_key[key]
        detail = node.detail.replace("\n", ", ").replace(" · ", ", ")  # "leaf, scalar, grad = 7.0"
        if node.kind == "output":
            detail = f"output, {detail}"
        return f"{node.label} ({detail})" if detail else node.label

    by_key = {node.key: node for node in graph.nodes}
    if not graph.edges:
        return f"Autograd graph: only {said(graph.nodes[0].key)}; nothing was recorded behind it."
    targets: dict[int, list[int]] = {}
    for a, b in graph.edges:  # walk() found them breadth-first from the output: gradient-flow order
        targets.setdefault(a, []).append(b)
    steps = [f"{said(a)} → {', '.join(said(b) for b in bs)}" for a, bs in targets.items()]
    return "Autograd graph, arrows as gradients flow in backward(): " + "; ".join(steps) + "."


def _caller_namespace() -> dict[str, Any]:
    """The lesson's variables, for naming leaves: the locals and globals of grad_graph's caller."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    if caller is None:
        return {}
    return {**caller.f_globals, **caller.f_locals}


COLUMN_INCHES, ROW_INCHES = 2.4, 1.25  # room for one node: fits "ToCopyBackward0" at 13 pt, and its arrow
MAX_COLUMNS = 5  # 13.5 in: wider, and a slide would shrink the text below what a room can read


def place(columns: list[list[int]]) -> tuple[dict[int, tuple[float, float]], int, int]:
    """(x, y) of every node in grid units, and the grid's width and height.

    A graph deeper than MAX_COLUMNS is folded into bands, snake-wise (right to left, then left
    to right, …), instead of becoming a strip of boxes too small to read once on a slide."""
    tallest = max(len(c) for c in columns)
    per_band = min(len(columns), MAX_COLUMNS)
    bands = -(-len(columns) // per_band)
    where: dict[int, tuple[float, float]] = {}
    for depth, column in enumerate(columns):
        band, step = divmod(depth, per_band)
        x = per_band - 1 - step if band % 2 == 0 else step  # the output at the top right
        top = (bands - band) * tallest - 1
        for row, key in enumerate(column):
            where[key] = (x, top - (tallest - len(column)) / 2 - row)
    return where, per_band, bands * tallest


def grad_graph(tensor: Any, show_values: bool = False, title: str = "") -> None:
    """Draw the graph autograd recorded behind `tensor`, as a new figure (`plt.gcf()`).

    Returns nothing, like `tensor_table`: a notebook would otherwise show the figure twice.

    >>> y = u * v + u ** 2
    >>> grad_graph(y)                    # MulBackward0, PowBackward0, AddBackward0; leaves u, v
    >>> grad_graph(y, show_values=True)  # after y.backward(): each leaf's .grad too
    """
    import matplotlib.pyplot as plt

    graph = walk(tensor, _caller_namespace(), show_values)
    where, columns, rows = place(layers(graph))
    margin = 0.9 if show_values else 0.6  # a leaf box with its grad is a line taller
    fig = plt.figure(figsize=(max(5.0, COLUMN_INCHES * columns), ROW_INCHES * rows + margin), layout="none")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-0.6, max(5.0 / COLUMN_INCHES, columns) - 0.4)
    ax.set_ylim(-0.5 - margin / ROW_INCHES, rows - 0.5)

    boxes = {}
    for node in graph.nodes:
        text = node.label + (f"\n{node.detail}" if node.detail else "")
        boxes[node.key] = ax.text(*where[node.key], text, ha="center", va="center", fontsize=13, linespacing=1.3,
                                  family="monospace" if node.kind == "function" else None,
                                  weight="bold" if node.kind != "function" else "normal",
                                  bbox=dict(boxstyle="round,pad=0.45", lw=1.6, **STYLE[node.kind]))
    for a, b in graph.edges:
        ax.annotate("", xy=boxes[b].get_position(), xytext=boxes[a].get_position(),
                    arrowprops=dict(arrowstyle="-|>", lw=1.6, color="#444444", mutation_scale=18,
                                    patchA=boxes[a].get_bbox_patch(), patchB=boxes[b].get_bbox_patch(),
                                    shrinkA=2, shrinkB=2))
    legend = "arrows: the way gradients flow in backward()"
    ax.text(-0.55, -0.45 - margin / ROW_INCHES, legend, ha="left", va="bottom", fontsize=13, color="#555555")
    if title:
        fig.suptitle(title, fontsize=15)
    attach(fig, (f'"{title}": ' if title else "") + describe(graph))
