# %% [markdown]
# # Leaves of the Graph: `is_leaf`
# Which tensors get a `.grad`, and why
#
# ::: notes
# Lesson 1's table had an is_leaf row. Today we explain it.
# :::

# %%
#| echo: false
import warnings

import matplotlib.pyplot as plt
import torch

from livedeck import grad_graph, tensor_table

# %% [markdown]
# ## The rules
# :::: columns
# ::: {.column width="58%"}
# ::: incremental
# - With `requires_grad=False`: a leaf.
# - Made by you with `requires_grad=True`: a leaf.
# - The result of an operation on a tensor that requires grad: **not** a leaf, it has a `grad_fn`.
# - `backward()` fills `.grad` only on leaves that require grad.
# :::
# :::
# ::: {.column width="42%"}

# %%
w = torch.tensor(1.0, requires_grad=True)
tensor_table(w=w, y=w * 3)

# %% [markdown]
# :::
# ::::
#
# ::: notes
# Leaves are where the graph starts: the inputs and the parameters.
# Everything computed from them is an inner node.
# :::

# %% [markdown]
# ## Five tensors, one table

# %%
#| output-location: fragment
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 2                     # result of an op
c = a.detach()                # cut from the graph
d = torch.tensor([1.0, 2.0])  # no requires_grad
e = a.to(torch.float64)       # a dtype cast is an op
tensor_table(a=a, b=b, c=c, d=d, e=e)

# %% [markdown]
# ::: notes
# Ask the room first: which of a to e are leaves, and which will get a .grad?
# [click]
# c and d are leaves but do not require grad, so they never get a .grad.
# e surprises people: a cast, like .to("cuda"), is an operation with a grad_fn.
# :::

# %% [markdown]
# ## After `backward()`
# $\mathrm{loss} = \sum_i b_i + \sum_i e_i = \sum_i (2a_i + a_i)$, so
# $\frac{\partial\,\mathrm{loss}}{\partial a_i} = 3$.

# %%
loss = b.sum() + e.sum()
loss.backward()
tensor_table(a=a, b=b, e=e)

# %%
#| echo: false
assert torch.equal(a.grad, torch.tensor([3.0, 3.0]))

# %% [markdown]
# ::: notes
# Both paths from a to the loss add up in a.grad: 2 through b, 1 through e.
# b and e are inner nodes: their grad stays None.
# :::

# %% [markdown]
# ## Leaves and inner nodes, drawn
# Green: the leaf `a`, where `.grad` lands. Blue: operations, each making an inner tensor.

# %%
grad_graph(loss, show_values=True)

# %% [markdown]
# ::: notes
# c and d are missing: nothing was recorded for them. The cast is a node
# (ToCopyBackward0) like any other operation, which is why e is not a leaf.
# :::

# %% [markdown]
# ## Why `.grad` of a non-leaf is None
# Autograd frees intermediate gradients as soon as they are used, to save memory.
# Reading one warns:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("b.grad =", b.grad)
print(str(caught[0].message).split(". ")[0] + ".")

# %% [markdown]
# ::: notes
# A network has millions of inner values; keeping all their gradients
# would double memory for nothing most of the time.
# :::

# %% [markdown]
# ## `retain_grad()` keeps it
# When you do want an inner gradient, ask before `backward()`:

# %%
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 2
b.retain_grad()
(b ** 2).sum().backward()
tensor_table(a=a, b=b)

# %%
#| echo: false
assert torch.equal(b.grad, 2 * b.detach())
assert torch.equal(a.grad, 2 * 2 * b.detach())

# %% [markdown]
# $\frac{\partial}{\partial b_i}\sum_j b_j^2 = 2b_i$ and, through $b = 2a$,
# $\frac{\partial}{\partial a_i} = 4b_i$.
#
# ::: notes
# b is still not a leaf (is_leaf False), but now it keeps its grad.
# :::

# %% [markdown]
# ## Training updates leaves, under `no_grad`
# Gradient descent on $\mathrm{loss}(w) = (w - 3)^2$. The update must not be
# recorded, or $w$ would stop being a leaf.

# %%
w = torch.tensor(0.0, requires_grad=True)
losses = []
for step in range(25):
    loss = (w - 3) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad.zero_()
    losses.append(loss.item())
print("w =", round(w.item(), 3), " is_leaf:", w.is_leaf)

# %%
#| echo: false
assert w.is_leaf and abs(w.item() - 3.0) < 0.02

# %% [markdown]
# ::: notes
# Without no_grad, w -= ... raises: a leaf that requires grad cannot be
# changed in place while recorded. Optimizers do exactly this no_grad update.
# :::

# %% [markdown]
# ## The loss falls step by step
# Each step multiplies the error $w - 3$ by $0.8$, so the loss shrinks by $0.64$.

# %%
#| fig-cap: "Gradient descent on (w − 3)²: the loss falls geometrically"
#| fig-alt: "Loss on a log scale falling along a straight line over 25 steps"
plt.semilogy(losses, marker="o")
plt.xlabel("step")
plt.ylabel("loss")

# %%
#| echo: false
assert abs(losses[1] / losses[0] - 0.64) < 1e-6

# %% [markdown]
# ::: notes
# d/dw (w-3)² = 2(w-3); a step of 0.1 times that leaves 0.8(w-3).
# A straight line on a log scale is geometric decay.
# :::

# %% [markdown]
# ## A network's parameters are leaves too
# `nn.Linear` creates its weight and bias with `requires_grad=True`: leaves, which `backward()`
# fills and an optimizer updates (under `no_grad`, as above).

# %%
torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
batch = torch.randn(8, 3)
error = mlp(batch).pow(2).mean()
error.backward()
for name, parameter in mlp.named_parameters():
    print(f"{name:8} is_leaf={parameter.is_leaf}  grad {tuple(parameter.grad.shape)}")

# %%
#| echo: false
assert all(p.is_leaf and p.grad is not None for p in mlp.parameters())

# %% [markdown]
# ::: notes
# The names are named_parameters()'s: index in the Sequential, then weight or bias.
# :::

# %% [markdown]
# ## The network's graph
# Each parameter is a green leaf, named as `named_parameters()` names it under `mlp`.

# %%
grad_graph(error)

# %% [markdown]
# ::: notes
# TBackward0 is the transpose nn.Linear applies to its weight; AddmmBackward0 is
# bias + input @ weightᵀ in one operation. The batch needs no grad: no node for it.
# :::

# %% [markdown]
# ## Takeaways
# - Leaves: tensors you create, and every tensor that does not require grad.
# - Results of operations (casts too) are not leaves; they carry a `grad_fn`.
# - `backward()` fills `.grad` on leaves only; `retain_grad()` keeps an inner one.
# - A network's parameters are leaves; update them under `torch.no_grad()` so they stay leaves.
