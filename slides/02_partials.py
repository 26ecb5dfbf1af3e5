# %% [markdown]
# # Partial Derivatives
# $f(u, v) = uv + u^2$: one `backward()`, both partials
#
# ::: notes
# Builds on lesson 1: same two steps, now with two inputs.
# :::

# %%
#| echo: false
import matplotlib.pyplot as plt
import torch

from livedeck import grad_graph, tensor_table

# %% [markdown]
# ## One function, two inputs
# $$f(u, v) = uv + u^2$$
#
# A **partial derivative** changes one input and holds the other fixed:
#
# . . .
#
# $$\frac{\partial f}{\partial u} = v + 2u$$
#
# . . .
#
# $$\frac{\partial f}{\partial v} = u$$
#
# ::: notes
# Ask: what is the slope in u if v is a constant? uv gives v, u² gives 2u.
# In v, uv gives u and u² gives nothing.
# :::

# %% [markdown]
# ## Let autograd do it
# At $u = 1,\ v = 2$: $\frac{\partial f}{\partial u} = 2 + 2 = 4$ and $\frac{\partial f}{\partial v} = 1$.

# %%
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
f = u * v + u ** 2
f.backward()
print("df/du =", u.grad)
print("df/dv =", v.grad)

# %%
#| echo: false
assert u.grad.item() == 2.0 + 2 * 1.0  # v + 2u
assert v.grad.item() == 1.0  # u

# %% [markdown]
# ::: notes
# One backward() fills the .grad of every leaf that requires grad.
# :::

# %% [markdown]
# ## Two paths back to $u$, one to $v$

# %%
grad_graph(f, show_values=True)

# %% [markdown]
# ::: notes
# u feeds both MulBackward0 and PowBackward0, so two gradients arrive at u
# and are added: v + 2u = 4. Only one path reaches v: u = 1.
# :::

# %% [markdown]
# ## What autograd left on each tensor

# %%
tensor_table(u=u, v=v, f=f)

# %% [markdown]
# ::: notes
# Both inputs are leaves with a grad; f is the result of an AddBackward0.
# :::

# %% [markdown]
# ## The gradient is a vector
# The partials together form the gradient, which points uphill, the way $f$
# grows fastest:
#
# $$\nabla f(u, v) = \begin{pmatrix} v + 2u \\ u \end{pmatrix}, \qquad \nabla f(1, 2) = \begin{pmatrix} 4 \\ 1 \end{pmatrix}$$
#
# Gradient descent walks the other way: $-\nabla f$.
#
# ::: notes
# This is why we compute partials at all: training steps every weight
# against its own partial derivative of the loss.
# :::

# %% [markdown]
# ## The gradient at every point of a grid
# Sum $f$ over a grid, as in lesson 1: one `backward()` gives $\nabla f$ at all 225 points.

# %%
grid = torch.linspace(-2, 2, 15)
U, V = torch.meshgrid(grid, grid, indexing="xy")
U.requires_grad_()
V.requires_grad_()
F = U * V + U ** 2
F.sum().backward()
print("∂f/∂u at (u, v) = (2, 2):", U.grad[-1, -1].item())
print("∂f/∂v at (u, v) = (2, 2):", V.grad[-1, -1].item())

# %% [markdown]
# ::: notes
# U.grad holds ∂f/∂u at every grid point, V.grad holds ∂f/∂v:
# at (2, 2) that is v + 2u = 6 and u = 2.
# :::

# %% [markdown]
# ## $f$ and its gradient field

# %%
#| fig-cap: "f(u, v) = uv + u² with ∇f from autograd as arrows"
#| fig-alt: "Filled contours of f over u and v from -2 to 2, with arrows pointing uphill"
Ud, Vd = U.detach(), V.detach()
plt.figure(figsize=(6, 5))
plt.contourf(Ud, Vd, F.detach(), levels=20)
plt.colorbar(label="f(u, v)")
plt.quiver(Ud, Vd, U.grad, V.grad, color="w")
plt.xlabel("u")
plt.ylabel("v")

# %%
#| echo: false
assert torch.allclose(U.grad, V.detach() + 2 * U.detach())
assert torch.allclose(V.grad, U.detach())

# %% [markdown]
# ::: notes
# Arrows point uphill and are longest where f changes fastest, far from the
# origin. Gradient descent would follow them backwards.
# :::

# %% [markdown]
# ## Holding $v$ fixed
# With $v = 2$, $f$ is an ordinary function of $u$ and its slope is $\frac{\partial f}{\partial u} = 2 + 2u$.

# %%
#| fig-cap: "A slice of f at v = 2 and its slope ∂f/∂u"
u = torch.linspace(-3, 1, 50, requires_grad=True)
f = u * 2.0 + u ** 2
f.sum().backward()
us = u.detach()
plt.plot(us, f.detach(), label="f(u, 2)")
plt.plot(us, u.grad, label="∂f/∂u")
plt.legend()

# %%
#| echo: false
assert torch.allclose(u.grad, 2.0 + 2 * u.detach())

# %% [markdown]
# ::: notes
# The slope is zero at u = -1: the bottom of this slice.
# :::

# %% [markdown]
# ## Gradients add up: zero them
# `backward()` **adds** into `.grad`. Call it again and the old value stays in.

# %%
u = torch.tensor(1.0, requires_grad=True)
for step in range(3):
    f = u * v + u ** 2
    f.backward()
    print("after backward", step + 1, "u.grad =", u.grad.item())
u.grad.zero_()

# %%
#| echo: false
assert u.grad.item() == 0.0

# %% [markdown]
# ::: notes
# This is why training loops call optimizer.zero_grad(). Accumulation is a
# feature: it lets you sum gradients over several small batches.
# :::

# %% [markdown]
# ## Takeaways
# ::: incremental
# - A partial derivative holds every other input fixed.
# - One `backward()` fills `.grad` of every leaf: here $\frac{\partial f}{\partial u}$ and $\frac{\partial f}{\partial v}$.
# - Together the partials are the gradient $\nabla f$, which points uphill.
# - `.grad` accumulates: zero it between steps.
# :::
