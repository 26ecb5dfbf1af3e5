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

from livedeck.helpers.describe import attach
from livedeck.helpers.graph_layout import MARGIN, place
from livedeck.helpers.tables import format_tensor, shape_text

MAX_NODES = 400  # walked; past GROUP_ABOVE, runs of single-input steps are drawn as one box each
GROUP_ABOVE = 40  # nodes a slide can show one by one

# Node kinds and how they look: leaves (tensors you made) vs the functions autograd recorded.
STYLE: dict[str, dict[str, Any]] = {
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
    and by id() of the backward node that made it. A module's parameters are named by the module
    and their path in it (`mlp.0.weight`), before any variable that happens to hold one (the `p`
    of `for p in mlp.parameters()`); every other tensor keeps the name the lesson gave it."""
    tensors: dict[int, str] = {}
    made_by: dict[int, str] = {}
    public = [(name, value) for name, value in namespace.items() if not name.startswith("_")]
    for name, value in public:
        if callable(getattr(value, "named_parameters", None)) and not isinstance(value, type):
            for path, parameter in value.named_parameters():
                tensors.setdefault(id(parameter), f"{name}.{path}")
    for name, value in public:
        if hasattr(value, "grad_fn"):
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


FONT_SIZE = 13.0  # points as drawn; the figure fits a slide at 12/13 of its size or more (graph_layout)
LINE_SPACING = 1.3
PAD = 0.06  # inches between a label and its box
LONG_NAME = 18  # characters: a longer backward node's name breaks at a word ("BinaryCrossEntropy" / "WithLogitsBackward0")
LEGEND = "arrows: the way gradients flow in backward()"


def label_lines(node: Node) -> list[str]:
    """A node's lines: its name, broken in two at the capital nearest its middle when long, and its detail."""
    name = node.label
    if node.kind == "function" and len(name) > LONG_NAME:
        cuts = [i for i in range(1, len(name)) if name[i].isupper() and name[i - 1].islower()]
        if cuts:
            cut = min(cuts, key=lambda i: max(i, len(name) - i))
            name = name[:cut] + "\n" + name[cut:]
    return name.split("\n") + (node.detail.split("\n") if node.detail else [])


def group_runs(graph: Graph) -> tuple[Graph, int]:
    """A graph too big to show node by node (over GROUP_ABOVE nodes), with each run of three or more
    single-input steps drawn as one box ("12 × AddBackward0", or its first and last step); returns the
    graph and how many runs it grouped."""
    if len(graph.nodes) <= GROUP_ABOVE:
        return graph, 0
    by_key = {node.key: node for node in graph.nodes}
    into: dict[int, list[int]] = {node.key: [] for node in graph.nodes}
    out: dict[int, list[int]] = {node.key: [] for node in graph.nodes}
    for a, b in graph.edges:
        out[a].append(b)
        into[b].append(a)

    def single(key: int) -> bool:  # a step with one input, used once
        return by_key[key].kind == "function" and len(out[key]) == 1 and len(into[key]) == 1

    drawn_in: dict[int, int] = {}  # a grouped node's key → the key of its run's box
    boxes: dict[int, Node] = {}
    for node in graph.nodes:
        if node.key in drawn_in or not single(node.key) or single(into[node.key][0]):
            continue  # not the first step of a run
        run = [node.key]
        while single(out[run[-1]][0]):
            run.append(out[run[-1]][0])
        if len(run) >= 3:
            names = [by_key[k].label for k in run]
            same = len(set(names)) == 1
            boxes[node.key] = Node(node.key, "function", f"{len(run)} × {names[0]}" if same else
                                   f"{names[0]} … {names[-1]}", "" if same else f"{len(run)} steps")
            drawn_in.update({k: node.key for k in run})
    nodes = tuple(boxes.get(node.key, node) for node in graph.nodes if drawn_in.get(node.key, node.key) == node.key)
    edges = [(drawn_in.get(a, a), drawn_in.get(b, b)) for a, b in graph.edges]
    return Graph(nodes, tuple(dict.fromkeys(e for e in edges if e[0] != e[1]))), len(boxes)


def _box_size(lines: list[str], node: Node) -> tuple[float, float]:
    """A box's width and height in inches, from its label measured in the font it is drawn in."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="monospace" if node.kind == "function" else "sans-serif",
                          weight="normal" if node.kind == "function" else "bold", size=FONT_SIZE)
    widest = max(TextToPath().get_text_width_height_descent(line, font, ismath=False)[0] for line in lines)
    height = FONT_SIZE * (1 + LINE_SPACING * (len(lines) - 1)) + FONT_SIZE * 0.3  # ascent to the last descent
    return widest / 72 + 2 * PAD, height / 72 + 2 * PAD


def _wrapped(text: str, width: float) -> list[str]:
    """`text` in lines no wider than `width` inches in the legend's font, broken at spaces."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font, measure = FontProperties(family="sans-serif", size=FONT_SIZE), TextToPath()
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and measure.get_text_width_height_descent(joined, font, ismath=False)[0] / 72 <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def grad_graph(tensor: Any, show_values: bool = False, title: str = "") -> None:
    """Draw the graph autograd recorded behind `tensor`, as a new figure (`plt.gcf()`).

    Returns nothing, like `tensor_table`: a notebook would otherwise show the figure twice.

    >>> y = u * v + u ** 2
    >>> grad_graph(y)                    # MulBackward0, PowBackward0, AddBackward0; leaves u, v
    >>> grad_graph(y, show_values=True)  # after y.backward(): each leaf's .grad too
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as MplPath

    walked = walk(tensor, _caller_namespace(), show_values)
    graph, grouped = group_runs(walked)
    lines = {node.key: label_lines(node) for node in graph.nodes}
    sizes = {node.key: _box_size(lines[node.key], node) for node in graph.nodes}
    legend = LEGEND + (f"; {grouped} run{'s' * (grouped > 1)} of single-input steps drawn as one box" if grouped else "")
    below = FONT_SIZE * 1.6 / 72  # the legend's line, part of the figure (its text is measured with it)
    placed = place(layers(graph), sizes, list(graph.edges), footer=below)
    legend_lines = _wrapped(legend, placed.width - 2 * MARGIN)
    if len(legend_lines) > 1:  # a small graph is narrower than its legend: the legend takes more lines
        below = FONT_SIZE * (1.6 + LINE_SPACING * (len(legend_lines) - 1)) / 72
        placed = place(layers(graph), sizes, list(graph.edges), footer=below)
        legend_lines = _wrapped(legend, placed.width - 2 * MARGIN)
    fig = plt.figure(figsize=(placed.width, placed.height), layout="none")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, placed.width)
    ax.set_ylim(placed.height, 0)  # inches, down from the top, as placed
    for node in graph.nodes:
        box = placed.boxes[node.key]
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h, boxstyle="round,pad=0,rounding_size=0.08",
                                    lw=1.6, gid="node", **STYLE[node.kind]))
        ax.text(box.x + box.w / 2, box.middle, "\n".join(lines[node.key]), ha="center", va="center",
                fontsize=FONT_SIZE, linespacing=LINE_SPACING,
                family="monospace" if node.kind == "function" else "sans-serif",
                weight="normal" if node.kind == "function" else "bold")
    for points in placed.arrows:
        path = MplPath(points, [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1))
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", lw=1.4, color="#444444", mutation_scale=16,
                                     gid="edge", shrinkA=0, shrinkB=0))
    ax.text(MARGIN, placed.height - below / 2, "\n".join(legend_lines), ha="left", va="center", fontsize=FONT_SIZE,
            linespacing=LINE_SPACING, color="#555555")
    if title:
        fig.suptitle(title, fontsize=15)
    attach(fig, (f'"{title}": ' if title else "") + describe(walked))
