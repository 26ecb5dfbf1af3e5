# The slides of this lesson were built with livedeck, whose helpers drew its tables and graphs. This notebook
# runs without it: where livedeck is not installed, these stand-ins show the same facts as text.
try:
    from livedeck import grad_graph, table, tensor_table
except ImportError:
    def table(rows, header=None, caption=""):
        """Any table, as text: table([[1, 2], [3, 4]], header=["a", "b"])."""
        lines = ([[str(cell) for cell in header]] if header is not None else []) + [[str(c) for c in r] for r in rows]
        widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
        if caption:
            print(caption)
        for line in lines:
            print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)))

    def tensor_table(caption="", **tensors):
        """The autograd attributes of each named tensor, as text: tensor_table(x=x, y=y)."""
        rows = [[attribute] + [" ".join(str(getattr(tensor, attribute)).split()) for tensor in tensors.values()]
                for attribute in ("data", "grad", "grad_fn", "is_leaf", "requires_grad")]
        table(rows, header=[""] + list(tensors), caption=caption)

    def grad_graph(tensor, show_values=False, title=""):
        """The graph backward() walks from `tensor`, as text: one node a line, its inputs indented below it."""
        if title:
            print(title)
        print(f"tensor of shape {tuple(tensor.shape)}")
        seen = set()

        def visit(node, depth):
            if node is None or node in seen:
                return
            seen.add(node)
            leaf = getattr(node, "variable", None)
            print("    " * depth + (f"leaf of shape {tuple(leaf.shape)}" if leaf is not None else type(node).__name__))
            for child, _ in node.next_functions:
                visit(child, depth + 1)

        visit(tensor.grad_fn, 1)
