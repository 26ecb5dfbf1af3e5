"""Alt text written from a figure's own content (livedeck.helpers.describe), on figures built here."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from livedeck.helpers.describe import describe_figure, series_phrase


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_a_line_plot_says_title_axes_legend_and_what_each_line_does():
    x = np.linspace(-2, 2, 41)
    fig, ax = plt.subplots()
    ax.plot(x, x ** 2, label="y = x²")
    ax.plot(x, 2 * x, label="dy/dx")
    ax.axhline(0, color="k")  # a guide, not data: not a third line
    ax.set(title="A parabola and its slope", xlabel="x", ylabel="value")
    ax.legend()
    assert describe_figure(fig) == (
        'Line plot "A parabola and its slope": x axis "x" from -2 to 2, y axis "value" from -4 to 4. '
        'Legend: y = x², dy/dx. "y = x²" has its minimum 0 at x ≈ 0. '
        '"dy/dx" rises from -4 at x = -2 to 4 at x = 2, and crosses zero at x ≈ 0.')


def test_a_log_axis_is_named_and_a_falling_curve_is_said_to_fall():
    fig, ax = plt.subplots()
    epochs = np.arange(1, 51)
    ax.semilogy(epochs, 1 / epochs)
    ax.set(xlabel="epoch", ylabel="loss")
    assert describe_figure(fig) == ('Line plot: x axis "epoch" from 1 to 50, y axis "loss" from 0.02 to 1 '
                                    '(log scale). The line falls from 1 at x = 1 to 0.02 at x = 50.')


def test_several_plots_each_get_their_kind_and_the_figure_its_title():
    fig, (left, right) = plt.subplots(1, 2)
    left.scatter([1, 2, 3], [3, 1, 2])
    right.bar(["train", "test"], [0.9, 0.8])
    fig.suptitle("Accuracy")
    assert describe_figure(fig) == (
        'Figure "Accuracy" with 2 plots. Plot 1: Scatter plot: x axis from 1 to 3, y axis from 1 to 3. '
        "Plot 2: Bar chart: x axis with train, test, y axis from 0 to 0.9.")


@pytest.mark.parametrize("draw, kind", [
    (lambda ax, X, Y: ax.contourf(X, Y, X ** 2 + Y ** 2), "Contour plot"),
    (lambda ax, X, Y: ax.imshow(X * Y), "Image"),
    (lambda ax, X, Y: ax.pcolormesh(X, Y, X * Y), "Image"),
    (lambda ax, X, Y: ax.quiver(X, Y, -Y, X), "Vector field"),
])
def test_each_kind_of_plot_is_named(draw, kind):
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    fig, ax = plt.subplots()
    mappable = draw(ax, X, Y)
    if kind != "Vector field":
        fig.colorbar(mappable)  # a colour bar is an axes too, but not a plot of its own
    assert describe_figure(fig).startswith(kind + ":")


def test_a_figure_of_text_only_is_read_out():
    fig = plt.figure()
    fig.text(0.5, 0.5, "no data yet")
    assert describe_figure(fig) == "Figure with the text: no data yet."


def test_series_phrases_say_only_what_the_data_shows():
    assert series_phrase([0, 1, 2, 3], [1, 2, 2, 5]) == "rises from 1 at x = 0 to 5 at x = 3"
    assert series_phrase([0, 1, 2], [1, -1, 1]) == ("has its minimum -1 at x ≈ 1, and crosses zero at x ≈ 0.5, "
                                                    "x ≈ 1.5")
    assert series_phrase([0, 1, 2, 3], [0, 2, -2, 1]) == ("has its minimum -2 at x ≈ 2, has its maximum 2 at x ≈ 1, "
                                                          "and crosses zero at x ≈ 1.5, x ≈ 2.67")
    assert series_phrase([0, 1], [0, 1]) == ""  # two points: nothing to say beyond the axes
    assert series_phrase(["a", "b", "c"], [1, 2, 3]) == ""  # categories: no numbers to say
    assert series_phrase([0, 1, 2, 3], [5, np.nan, 3, 1]) == "falls from 5 at x = 0 to 1 at x = 3"
    assert series_phrase([-1, 0, 1], [-1, 0, 1]) == "rises from -1 at x = -1 to 1 at x = 1, and crosses zero at x ≈ 0"
    assert "crosses" not in series_phrase([-1, 0, 1], [1, 0, 1])  # touching zero is not crossing it
