# %% [markdown]
# # Golden Deck
# A fixed lesson whose PowerPoint structure is checked in: a writer change that moves things is caught.
#
# ::: notes
# Title notes.
# :::

# %%
#| echo: false
import matplotlib.pyplot as plt
import torch

from livedeck import table, tensor_table

# %% [markdown]
# ## Text, lists and math
# **Bold**, *italic*, `code`, a [link](https://pytorch.org) and $\frac{dy}{dx} = 2x$.
#
# - a bullet
# - another
#
# 1. first
# 2. second
#
# $$\frac{d}{dx}\,x^2 = 2x$$
#
# ::: notes
# Notes of the first slide.
# :::

# %% [markdown]
# ## Code, output and a table

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2
y.backward()
print(y.grad_fn)
tensor_table(x=x, y=y)

# %% [markdown]
# ## Code beside its figure

# %%
#| fig-cap: "A parabola"
#| fig-alt: "The curve y = x squared"
xs = torch.linspace(-2, 2, 50)
plt.figure(figsize=(4, 4))
plt.plot(xs, xs ** 2)

# %% [markdown]
# ## A long listing continues

# %%
total = 0
total = total + 1  # step 01 of a long, hand-unrolled sum
total = total + 2  # step 02 of a long, hand-unrolled sum
total = total + 3  # step 03 of a long, hand-unrolled sum
total = total + 4  # step 04 of a long, hand-unrolled sum
total = total + 5  # step 05 of a long, hand-unrolled sum
total = total + 6  # step 06 of a long, hand-unrolled sum
total = total + 7  # step 07 of a long, hand-unrolled sum
total = total + 8  # step 08 of a long, hand-unrolled sum
total = total + 9  # step 09 of a long, hand-unrolled sum
total = total + 10  # step 10 of a long, hand-unrolled sum
total = total + 11  # step 11 of a long, hand-unrolled sum
total = total + 12  # step 12 of a long, hand-unrolled sum
total = total + 13  # step 13 of a long, hand-unrolled sum
total = total + 14  # step 14 of a long, hand-unrolled sum
total = total + 15  # step 15 of a long, hand-unrolled sum
total = total + 16  # step 16 of a long, hand-unrolled sum
total = total + 17  # step 17 of a long, hand-unrolled sum
total = total + 18  # step 18 of a long, hand-unrolled sum
total = total + 19  # step 19 of a long, hand-unrolled sum
total = total + 20  # step 20 of a long, hand-unrolled sum
total = total + 21  # step 21 of a long, hand-unrolled sum
total = total + 22  # step 22 of a long, hand-unrolled sum
total = total + 23  # step 23 of a long, hand-unrolled sum
total = total + 24  # step 24 of a long, hand-unrolled sum
total = total + 25  # step 25 of a long, hand-unrolled sum
total = total + 26  # step 26 of a long, hand-unrolled sum
total = total + 27  # step 27 of a long, hand-unrolled sum
total = total + 28  # step 28 of a long, hand-unrolled sum
total = total + 29  # step 29 of a long, hand-unrolled sum
total = total + 30  # step 30 of a long, hand-unrolled sum
total = total + 31  # step 31 of a long, hand-unrolled sum
total = total + 32  # step 32 of a long, hand-unrolled sum
total = total + 33  # step 33 of a long, hand-unrolled sum
total = total + 34  # step 34 of a long, hand-unrolled sum
total = total + 35  # step 35 of a long, hand-unrolled sum
total = total + 36  # step 36 of a long, hand-unrolled sum
total

# %% [markdown]
# ## Any table
# %%
table([["a", 1], ["b", 2]], header=["name", "value"], caption="A plain table")
