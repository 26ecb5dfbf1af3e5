# %% [markdown]
# # Derivatives in PyTorch
# From $y = x^2$ to `backward()`, `x.grad` and `detach()`
#
# ::: notes
# Goal of the hour: students can ask PyTorch for a derivative, read the
# attributes it leaves on tensors, and know why `detach()` appears before plotting.
# :::

# %%
#| echo: false
import matplotlib.pyplot as plt
import torch

from livedeck import grad_graph, tensor_table

# %% [markdown]
# ## A derivative is a slope
# The derivative of $y(x)$ is the slope of its graph at a point:
#
# $$\frac{dy}{dx} = \lim_{h \to 0} \frac{y(x + h) - y(x)}{h}$$
#
# . . .
#
# For $y = x^2$: $\frac{(x + h)^2 - x^2}{h} = 2x + h \to 2x$, so at $x = 2$ the slope is **4**.
#
# . . .
#
# PyTorch computes such slopes for us: this is **autograd**.
#
# ::: notes
# Draw the parabola on the board and the tangent at x = 2.
# Everything today is this one idea, computed by the machine.
# :::

# %% [markdown]
# ## Tensors that remember: `requires_grad`
# `requires_grad=True` asks PyTorch to record every operation on `x`.

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2
print("x:", x)
print("y:", y)

# %% [markdown]
# `grad_fn=<PowBackward0>`: $y$ knows it came from a power.
#
# ::: notes
# The course page we started from says "y = 2x" here, but the code squares:
# the function is y = x², and PowBackward0 confirms it.
# :::

# %% [markdown]
# ## Two steps: `backward()`, then `x.grad`
# `y.backward()` walks the recorded graph back to `x` and stores
# $\frac{dy}{dx}$ in `x.grad`:
#
# $$\left.\frac{d}{dx}\,x^2\right|_{x=2} = 2 \cdot 2 = 4$$

# %%
y.backward()
x.grad

# %%
#| echo: false
assert x.grad.item() == 2 * 2.0, "dy/dx of x² at 2 must be 4"

# %% [markdown]
# ::: notes
# Neither step alone is enough: backward() computes, x.grad is where the
# result lands. The gradient lives on the input tensor, not on y.
# :::

# %% [markdown]
# ## What autograd left on each tensor

# %%
tensor_table(x=x, y=y)

# %% [markdown]
# `x` is a **leaf** you made; `y` is the result of an operation.
#
# ::: notes
# Walk the rows: data, grad (only the leaf x has one), grad_fn (only y has one),
# is_leaf, requires_grad (y inherits it from x). Lesson 4 is all about is_leaf.
# :::

# %% [markdown]
# ## The graph `backward()` walked
# `grad_fn` is the start of a graph: one node per operation, down to the leaves.

# %%
grad_graph(y, show_values=True)

# %% [markdown]
# ::: notes
# Read it right to left, the way backward() does: y's PowBackward0 hands
# dy/dx = 2x = 4 to AccumulateGrad, which stores it in x.grad.
# The picture is drawn from the tensors themselves, so it is always the real graph.
# :::

# %% [markdown]
# ## A polynomial: $x^2 + 2x + 1$
# Each term adds its own slope:
#
# $$\frac{d}{dx}\left(x^2 + 2x + 1\right) = 2x + 2$$
#
# . . .
#
# $$2 \cdot 2 + 2 = 6 \text{ at } x = 2$$
#
# . . .

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2 + 2 * x + 1
y.backward()
x.grad

# %%
#| echo: false
assert x.grad.item() == 2 * 2.0 + 2

# %% [markdown]
# ::: notes
# Each term adds its own slope: 2x from x², 2 from 2x, 0 from the constant.
# Ask the room for the value at x = -1 before running it (answer: 0, the minimum).
# :::

# %% [markdown]
# ## Many points at once: `linspace` and `sum`
# `backward()` needs a single number, so we add the values up. Each term only
# depends on its own $x_i$:
#
# $$\frac{\partial}{\partial x_i} \sum_j x_j^2 = 2x_i$$

# %%
x = torch.linspace(-10, 10, 10, requires_grad=True)
Y = x ** 2
y = torch.sum(Y)
y.backward()
x.grad

# %%
#| echo: false
assert torch.allclose(x.grad, 2 * x.detach())

# %% [markdown]
# ::: notes
# The sum is a trick: one backward() gives the slope at every point, because
# the terms do not interact.
# :::

# %% [markdown]
# ## The function and its derivative

# %%
#| fig-cap: "y = x² and its derivative 2x, both from autograd"
#| fig-alt: "A parabola and a straight line through the origin with slope 2"
plt.plot(x.detach(), Y.detach(), label="y = x²")
plt.plot(x.detach(), x.grad, label="dy/dx = 2x")
plt.xlabel("x")
plt.legend()

# %% [markdown]
# ::: notes
# The line is zero exactly where the parabola is flat. Ten points are enough
# to see it; the linspace above has only ten.
# :::

# %% [markdown]
# ## What `detach()` does
# `x.detach()` is the same numbers, cut out of the graph: no `grad_fn`, no
# gradient tracking, and NumPy and matplotlib can use it.

# %%
d = x.detach()
print("shares memory with x:", d.data_ptr() == x.data_ptr())
print("requires_grad:", d.requires_grad)
try:
    x.numpy()
except RuntimeError as error:
    print("x.numpy():", str(error).split(".")[0])

# %% [markdown]
# ::: notes
# The original page says detach stops values being "added as attributes".
# More precisely: detach returns a view of the same data that autograd does not
# track, so nothing done with it flows back into x.grad.
# :::

# %% [markdown]
# ## ReLU and its derivative
# $$\mathrm{ReLU}(x) = \max(0, x), \qquad \frac{d}{dx}\mathrm{ReLU}(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}$$

# %%
#| fig-cap: "ReLU and its derivative: a step (PyTorch uses 0 at x = 0)"
x = torch.linspace(-3, 3, 201,
                   requires_grad=True)
y = torch.relu(x)
y.sum().backward()
xs = x.detach()
plt.plot(xs, y.detach(), label="ReLU(x)")
plt.plot(xs, x.grad, label="derivative")
plt.legend()

# %%
#| echo: false
assert torch.equal(x.grad, (x.detach() > 0).float())

# %% [markdown]
# ::: notes
# ReLU has no derivative at 0; PyTorch picks 0 there. That choice matters
# little in training, but students do ask.
# :::

# %% [markdown]
# ## Takeaways
# ::: incremental
# - `requires_grad=True` makes PyTorch record operations on a tensor.
# - `y.backward()` computes; `x.grad` holds $\frac{dy}{dx}$.
# - Sum many outputs to get every slope with one `backward()`.
# - `detach()` before NumPy or plotting: same data, no graph.
# :::
