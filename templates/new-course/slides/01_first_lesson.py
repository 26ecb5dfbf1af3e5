# %% [markdown]
# # A First Lesson
# Gradients, computed live by the code on the slides
#
# ::: notes
# Speaker notes: only you see them, in the speaker view (press S in the HTML deck).
# :::

# %%
#| echo: false
import matplotlib.pyplot as plt
import torch

from livedeck import tensor_table

# %% [markdown]
# ## A derivative is a slope
# For $f(x) = x^2$ the slope at $x$ is
#
# $$\frac{df}{dx} = 2x$$
#
# . . .
#
# and autograd finds it without being told.
#
# ::: notes
# The pause (. . .) reveals the last line on the next click.
# :::

# %%
x = torch.tensor(3.0, requires_grad=True)
y = x ** 2
y.backward()
x.grad

# %% [markdown]
# ## The curve and its slope

# %%
xs = torch.linspace(-3, 3, 61, requires_grad=True)
ys = xs ** 2
ys.sum().backward()
plt.plot(xs.detach(), ys.detach(), label="$x^2$")
plt.plot(xs.detach(), xs.grad, label="its slope, $2x$")
plt.legend()

# %% [markdown]
# ## What autograd keeps
# ::: incremental
# - A tensor you make with `requires_grad=True` is a leaf.
# - A result of an operation on it records how it was made.
# - `backward()` fills `.grad` on the leaves.
# :::

# %%
tensor_table(x=x, y=y)
