"""grad_graph: the drawn graph is the one autograd recorded (checked against next_functions)."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")
import itertools

import matplotlib.pyplot as plt
import pytest
import torch

from livedeck import grad_graph
from livedeck.helpers.autograd_graph import group_runs, label_lines, layers, walk
from livedeck.helpers.describe import describe_figure


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 2 * x * grad_output


def recorded(tensor):
    """The reference: autograd's own graph, walked independently of livedeck."""
    nodes, edges, stack = set(), set(), [tensor.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in nodes:
            continue
        nodes.add(id(fn))
        for parent, _ in fn.next_functions:
            if parent is not None:
                edges.add((id(fn), id(parent)))
                stack.append(parent)
    return nodes, edges


def expressions():
    x = torch.tensor(2.0, requires_grad=True)
    u = torch.tensor(1.0, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    w = torch.randn(3, 2, requires_grad=True)
    frozen = torch.ones(3)  # needs no grad: autograd records no node for it
    return {
        "square": (x ** 2, {"x": x}),
        "uv + u²": (u * v + u ** 2, {"u": u, "v": v}),
        "custom Function": (Square.apply(x), {"x": x}),
        "matrix, reused leaf": ((w @ w.T).sum() + (w * 2).mean(), {"w": w}),
        "with a constant": ((x * frozen).sum(), {"x": x}),
        "chain of 28": (_chain(x, 28), {"x": x}),
    }


def _chain(x, length):
    y = x
    for i in range(length):
        y = torch.sin(y) if i % 2 else y * 1.5
    return y


@pytest.mark.parametrize("name", list(expressions()))
def test_nodes_and_edges_are_autograds(name):
    tensor, namespace = expressions()[name]
    graph = walk(tensor, {"y": tensor, **namespace})
    nodes, edges = recorded(tensor)
    output = [n for n in graph.nodes if n.kind == "output"]
    assert len(output) == 1 and output[0].key == id(tensor) and output[0].label == "y"
    assert {n.key for n in graph.nodes if n.kind != "output"} == nodes
    assert set(graph.edges) == edges | {(id(tensor), id(tensor.grad_fn))}
    # Every leaf is one AccumulateGrad (however many paths reach it), named as the lesson named it.
    leaves = sorted(n.label for n in graph.nodes if n.kind == "leaf")
    assert leaves == sorted(namespace)


def test_labels_are_backward_node_names_and_leaf_shapes():
    u = torch.tensor(1.0, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    m = torch.zeros(3, 2, requires_grad=True)
    f = u * v + u ** 2 + m.sum()
    graph = walk(f, {"u": u, "v": v, "m": m, "f": f})
    functions = sorted(n.label for n in graph.nodes if n.kind == "function")
    assert functions == ["AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0", "SumBackward0"]
    details = {n.label: n.detail for n in graph.nodes if n.kind == "leaf"}
    assert details == {"u": "leaf · scalar", "v": "leaf · scalar", "m": "leaf · 3×2"}

    x = torch.tensor(3.0, requires_grad=True)
    custom = walk(Square.apply(x), {"x": x})
    assert "SquareBackward" in {n.label for n in custom.nodes}


def test_show_values_adds_each_leafs_grad():
    u = torch.tensor(1.0, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    f = u * v + u ** 2
    f.backward()
    details = {n.label: n.detail for n in walk(f, {"u": u, "v": v}, show_values=True).nodes}
    assert details["u"].endswith("grad = 4.0") and details["v"].endswith("grad = 1.0")


def test_inner_tensors_are_named_by_the_function_that_made_them():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    loss = b.sum()
    graph = walk(loss, {"a": a, "b": b, "loss": loss})
    made = {n.label: n.detail for n in graph.nodes if n.kind == "function"}
    assert made == {"SumBackward0": "", "MulBackward0": "makes b"}


def test_a_tensor_without_a_graph_is_refused_clearly():
    with pytest.raises(ValueError, match="does not require grad"):
        walk(torch.ones(2))
    leaf = torch.ones(2, requires_grad=True)
    graph = walk(leaf, {"leaf_tensor": leaf})
    assert [(n.kind, n.label) for n in graph.nodes] == [("leaf", "leaf_tensor")] and graph.edges == ()


def test_layers_put_every_arrow_from_one_column_to_a_later_one():
    for tensor, namespace in expressions().values():
        graph = walk(tensor, namespace)
        column = {key: i for i, keys in enumerate(layers(graph)) for key in keys}
        assert set(column) == {n.key for n in graph.nodes}
        assert all(column[a] < column[b] for a, b in graph.edges)


def _drawn(fig):
    """The drawing as its artists say (not a picture): node boxes with their labels, and arrows, in
    display units, drawn."""
    fig.canvas.draw()
    ax = fig.axes[0]
    patches = [p for p in ax.patches if p.get_gid() == "node"]
    texts = [t for t in ax.texts if t.get_text() and not t.get_text().startswith("arrows:")]
    assert len(patches) == len(texts)
    renderer = fig.canvas.get_renderer()
    boxes = [(p.get_window_extent(renderer), t) for p, t in zip(patches, texts)]
    arrows = [p for p in ax.patches if p.get_gid() == "edge"]
    return arrows, boxes


def _crosses(segment, box, inset: float = 2.0) -> bool:
    """Whether a straight segment passes through a box's inside (its border, where arrows start and end, excluded)."""
    (x0, y0), (x1, y1) = segment
    left, right, bottom, top = box.x0 + inset, box.x1 - inset, box.y0 + inset, box.y1 - inset
    if left >= right or bottom >= top:
        return False
    steps = 200  # dense enough for boxes a few points wide at figure resolution
    return any(left < x0 + (x1 - x0) * i / steps < right and bottom < y0 + (y1 - y0) * i / steps < top
               for i in range(steps + 1))


def drawing_problems(fig, graph) -> list[str]:
    """What the issue forbids in a grad_graph figure: overlapping boxes, labels outside their box, arrows
    through a box, a box or label off the figure, a node or edge missing."""
    arrows, boxes = _drawn(fig)
    renderer = fig.canvas.get_renderer()
    problems = []
    if len(arrows) != len(graph.edges) or len(boxes) != len(graph.nodes):
        problems.append(f"{len(boxes)} boxes, {len(arrows)} arrows for {len(graph.nodes)} nodes, {len(graph.edges)} edges")
    for i, (box, text) in enumerate(boxes):
        label = text.get_window_extent(renderer)
        if not (box.x0 <= label.x0 and label.x1 <= box.x1 and box.y0 <= label.y0 and label.y1 <= box.y1):
            problems.append(f"label {text.get_text()!r} runs out of its box")
        if not (fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1):
            problems.append(f"box {text.get_text()!r} runs off the figure")
        for other, other_text in boxes[i + 1:]:
            if box.overlaps(other):
                problems.append(f"{text.get_text()!r} overlaps {other_text.get_text()!r}")
    for arrow in arrows:
        # the line the arrow follows (as given to the patch; get_path() is its outline), in display units
        points = arrow.get_transform().transform(arrow._path_original.vertices)
        ends = [(x, y) for x, y in (points[0], points[-1])]
        for box, text in boxes:
            own = any(box.x0 - 3 <= x <= box.x1 + 3 and box.y0 - 3 <= y <= box.y1 + 3 for x, y in ends)
            if not own and any(_crosses(seg, box) for seg in itertools.pairwise(points)):
                problems.append(f"an arrow passes through {text.get_text()!r}")
    return problems


def test_the_figure_draws_every_node_and_edge_without_overlaps():
    for name, (tensor, namespace) in expressions().items():
        lesson = {"grad_graph": grad_graph, "y": tensor, **namespace}  # run as a lesson cell runs
        exec("grad_graph(y)", lesson)
        fig = plt.gcf()
        graph = walk(tensor, lesson)
        assert drawing_problems(fig, graph) == [], name
        _, boxes = _drawn(fig)
        drawn_labels = sorted(t.get_text().split("\n")[0] for _, t in boxes)
        assert drawn_labels == sorted(label_lines(n)[0] for n in graph.nodes), name
        plt.close(fig)


def test_leaf_names_come_from_the_callers_variables():
    weight = torch.tensor(2.0, requires_grad=True)
    out = weight * 3
    grad_graph(out)
    fig = plt.gcf()
    _, boxes = _drawn(fig)
    labels = {t.get_text().split("\n")[0] for _, t in boxes}
    assert {"weight", "out", "MulBackward0"} == labels
    plt.close(fig)


def test_the_figure_says_its_graph_in_words_in_gradient_flow_order():
    u = torch.tensor(2.0, requires_grad=True)
    v = torch.tensor(3.0, requires_grad=True)
    z = u * v
    y = z + u ** 2
    y.backward()
    lesson = {"grad_graph": grad_graph, "u": u, "v": v, "z": z, "y": y}
    exec("grad_graph(y, show_values=True, title='y = uv + u²')", lesson)
    fig = plt.gcf()
    assert describe_figure(fig) == (
        '"y = uv + u²": Autograd graph, arrows as gradients flow in backward(): y (output, scalar) → AddBackward0; '
        "AddBackward0 → MulBackward0 (makes z), PowBackward0; "
        "MulBackward0 (makes z) → u (leaf, scalar, grad = 7.0), v (leaf, scalar, grad = 2.0); "
        "PowBackward0 → u (leaf, scalar, grad = 7.0).")
    plt.close(fig)


# The graphs a course trains (issue #17): each built here as a lesson would, drawn, and read back.
def logistic_regression():
    x, y = torch.ones(5), torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return {"x": x, "y": y, "w": w, "b": b, "z": z, "loss": loss}, {"w", "b"}


def mlp_with_cross_entropy():
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    x = torch.randn(5, 4)
    loss = torch.nn.functional.cross_entropy(mlp(x), torch.tensor([0, 1, 2, 0, 1]))
    parameter = list(mlp.parameters())[-1]  # a loop's variable, left holding a parameter: not its name
    return ({"mlp": mlp, "x": x, "loss": loss, "parameter": parameter},
            {"mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"})


def conv_head():
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                              torch.nn.Linear(4 * 3 * 3, 2))
    images = torch.randn(2, 1, 8, 8)
    loss = torch.nn.functional.cross_entropy(net(images), torch.tensor([0, 1]))
    return {"net": net, "images": images, "loss": loss}, {"net.0.weight", "net.0.bias", "net.4.weight", "net.4.bias"}


def rnn_cell_three_steps():
    cell = torch.nn.RNNCell(3, 4)
    h, xs = torch.zeros(1, 4), torch.randn(3, 1, 3)
    for t in range(3):
        h = cell(xs[t], h)
    loss = h.sum()
    return {"cell": cell, "xs": xs, "loss": loss}, {"cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh"}


def chain_of_60_ops():
    x = torch.tensor(1.0, requires_grad=True)
    loss = x
    for _ in range(60):
        loss = loss * 1.01 + 0.1
    return {"x": x, "loss": loss}, {"x"}


NETWORKS = [logistic_regression, mlp_with_cross_entropy, conv_head, rnn_cell_three_steps, chain_of_60_ops]


@pytest.mark.parametrize("network", NETWORKS, ids=[n.__name__ for n in NETWORKS])
def test_real_networks_draw_legibly_with_their_parameter_names(network):
    namespace, parameters = network()
    exec("grad_graph(loss)", {"grad_graph": grad_graph, **namespace})
    fig = plt.gcf()
    graph, _ = group_runs(walk(namespace["loss"], namespace))
    assert drawing_problems(fig, graph) == []
    _, boxes = _drawn(fig)
    labels = {t.get_text().split("\n")[0] for _, t in boxes}
    assert parameters <= labels  # named as named_parameters() names them, under the module's name
    width, height = fig.get_size_inches()
    assert 1.2 <= width / height <= 2.2, (width, height)
    # alone on a slide (12 × 5.875 in of room), its 13 pt labels show at 12 pt or more
    assert min(12 / width, 5.875 / height) * 13 >= 12, (width, height)
    plt.close(fig)


def test_a_graph_over_forty_nodes_groups_its_runs_and_says_so():
    namespace, _ = chain_of_60_ops()
    walked = walk(namespace["loss"], namespace)
    graph, runs = group_runs(walked)
    assert len(walked.nodes) > 120 and len(graph.nodes) == 3 and runs == 1  # output, one run, the leaf x
    assert [n.label for n in graph.nodes if n.kind == "function"] == ["AddBackward0 … MulBackward0"]
    exec("grad_graph(loss)", {"grad_graph": grad_graph, **namespace})
    legend = [" ".join(t.get_text().split()) for t in plt.gcf().axes[0].texts if t.get_text().startswith("arrows:")]
    assert legend == ["arrows: the way gradients flow in backward(); 1 run of single-input steps drawn as one box"]
    plt.close(plt.gcf())


def test_long_backward_names_break_at_a_word():
    from livedeck.helpers.autograd_graph import Node

    assert label_lines(Node(1, "function", "BinaryCrossEntropyWithLogitsBackward0")) == [
        "BinaryCrossEntropy", "WithLogitsBackward0"]
    assert label_lines(Node(1, "function", "MulBackward0", "makes z")) == ["MulBackward0", "makes z"]


NETWORKS_LESSON = '''
# %% [markdown]
# # Five networks
# ## Logistic regression

# %%
import torch
from livedeck import grad_graph
torch.manual_seed(0)
x, y = torch.ones(5), torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y)
grad_graph(loss)

# %% [markdown]
# ## An MLP

# %%
mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
loss = torch.nn.functional.cross_entropy(mlp(torch.randn(5, 4)), torch.tensor([0, 1, 2, 0, 1]))
grad_graph(loss)

# %% [markdown]
# ## A conv head

# %%
net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                          torch.nn.Linear(36, 2))
loss = torch.nn.functional.cross_entropy(net(torch.randn(2, 1, 8, 8)), torch.tensor([0, 1]))
grad_graph(loss)

# %% [markdown]
# ## Three steps of an RNN cell

# %%
cell = torch.nn.RNNCell(3, 4)
h, xs = torch.zeros(1, 4), torch.randn(3, 1, 3)
for t in range(3):
    h = cell(xs[t], h)
grad_graph(h.sum())

# %% [markdown]
# ## A chain of 60 operations

# %%
z = torch.tensor(1.0, requires_grad=True)
loss = z
for _ in range(60):
    loss = loss * 1.01 + 0.1
grad_graph(loss)
'''


def test_each_network_on_its_slide_shows_its_labels_at_12_points_in_both_formats(tmp_path):
    """Built as a lecturer would, then read from the decks: each figure's drawn width in HTML (CSS px of
    the 1280 px slide) and in PowerPoint (EMU of the 13.33 in slide) against the 13 pt it was drawn with."""
    import json
    import re

    from pptx import Presentation

    from support.builds import build_here, write_lesson

    write_lesson(tmp_path / "slides", "01_networks.py", NETWORKS_LESSON)
    result = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dist = tmp_path / "dist"
    deck = json.loads((dist / "networks.json").read_text())["deck"]
    figures = {b["name"]: b for s in deck["slides"] for b in s["blocks"] if b["type"] == "Figure"}
    assert len(figures) == 5 and all(f["text_size"] == 13 for f in figures.values())
    page = (dist / "networks.html").read_text()
    shown = [(name, float(px) * 0.75) for name, px in
             re.findall(r'data-ld-figure="([^"]+)" style="[^"]*?width:([\d.]+)px', page)]
    shown += [(s.name, s.width / 12700) for slide in Presentation(str(dist / "networks.pptx")).slides
              for s in slide.shapes if s.name in figures]
    assert len(shown) == 10
    for name, points_wide in shown:
        assert 13 * points_wide / (figures[name]["width"] * 72) >= 11.99, name


@pytest.mark.parametrize("grouped", [False, True])
def test_the_legend_is_measured_and_never_cut_off(grouped):
    """On a small graph the legend ran past the figure's edge ("the way gradients flov"); it wraps to the
    graph's width now, on a small graph and on one whose legend is long (grouped runs)."""
    x = torch.tensor(2.0, requires_grad=True)
    y = x * 3
    if grouped:
        for _ in range(45):
            y = y + 1
    grad_graph(y)
    fig = plt.gcf()
    fig.canvas.draw()
    figure = fig.bbox
    [legend] = [t for t in fig.axes[0].texts if t.get_text().startswith("arrows:")]
    extent = legend.get_window_extent()
    assert figure.x0 <= extent.x0 and extent.x1 <= figure.x1 and figure.y0 <= extent.y0, (extent, figure)
    assert " ".join(legend.get_text().split()).endswith("drawn as one box" if grouped else "in backward()")
    plt.close(fig)
