"""Imported once by the fork server, so every lesson process starts with these loaded."""
import os

os.environ.setdefault("MPLBACKEND", "agg")

import matplotlib  # noqa: E402

matplotlib.use("agg")
import matplotlib.pyplot  # noqa: E402,F401
import torch  # noqa: E402,F401

import livedeck.execute  # noqa: E402,F401
import livedeck.lesson  # noqa: E402,F401
import livedeck.structure  # noqa: E402,F401
