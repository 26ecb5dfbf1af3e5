"""grad_graph: the drawn graph is the one autograd recorded (checked against next_functions)."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from livedeck import grad_graph  # noqa: E402
from livedeck.describe import describe_figure  # noqa: E402
from livedeck.helpers.autograd_graph import layers, walk  # noqa: E402


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
    fig.canvas.draw()
    ax = fig.axes[0]
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    boxes = [t for t in ax.texts if not isinstance(t, Annotation) and t.get_bbox_patch() is not None]
    return arrows, boxes


def test_the_figure_draws_every_node_and_edge_without_overlaps():
    for name, (tensor, namespace) in expressions().items():
        lesson = {"grad_graph": grad_graph, "y": tensor, **namespace}  # run as a lesson cell runs
        exec("grad_graph(y)", lesson)
        fig = plt.gcf()
        graph = walk(tensor, lesson)
        arrows, boxes = _drawn(fig)
        assert len(arrows) == len(graph.edges), name
        assert len(boxes) == len(graph.nodes), name
        drawn_labels = sorted(b.get_text().split("\n")[0] for b in boxes)
        assert drawn_labels == sorted(n.label for n in graph.nodes), name
        extents = [b.get_bbox_patch().get_window_extent() for b in boxes]
        for i, first in enumerate(extents):
            for second in extents[i + 1:]:
                assert not first.overlaps(second), f"{name}: two node boxes overlap"
            assert fig.bbox.contains(first.x0, first.y0) and fig.bbox.contains(first.x1, first.y1), name
        plt.close(fig)


def test_leaf_names_come_from_the_callers_variables():
    weight = torch.tensor(2.0, requires_grad=True)
    out = weight * 3
    grad_graph(out)
    fig = plt.gcf()
    _, boxes = _drawn(fig)
    labels = {b.get_text().split("\n")[0] for b in boxes}
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
