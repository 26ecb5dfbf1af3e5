"""What a lesson needs to run (its front matter's `requires:`) and how closely a course check compares
(course.toml's `[check]`): checked like every other setting, each wrong value named at its line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Requirements:
    """A lesson's `requires: {gpu: 1, cpus: 4, memory_gb: 16, timeout_min: 30}`: what the machine (or the
    Ray node) that runs it must have, and how long it may take. Zero: nothing asked."""
    gpu: int = 0
    cpus: int = 0
    memory_gb: float = 0.0
    timeout_min: float = 0.0  # the whole lesson's time limit, and each cell's; 0: the build's --timeout

    def describe(self) -> str:
        """`1 GPU, 16 GB of memory`: what it asks for, in the words of a message."""
        asked = [f"{self.gpu} GPU{'s' * (self.gpu > 1)}"] * bool(self.gpu)
        asked += [f"{self.cpus} CPU core{'s' * (self.cpus > 1)}"] * bool(self.cpus)
        asked += [f"{self.memory_gb:g} GB of memory"] * bool(self.memory_gb)
        return ", ".join(asked) or "nothing"


WHOLE, NUMBER = (int,), (int, float)
REQUIRES_TYPES = {"gpu": WHOLE, "cpus": WHOLE, "memory_gb": NUMBER, "timeout_min": NUMBER}


def requirements(value: Any) -> tuple[Optional[Requirements], str]:
    """The front matter's `requires:` value as Requirements, or None and what is wrong with it."""
    if not isinstance(value, dict):
        return None, "'requires' must be a mapping, such as {gpu: 1, memory_gb: 16, timeout_min: 30}"
    for key, amount in value.items():
        if key not in REQUIRES_TYPES:
            return None, f"unknown requirement {key!r} (known: {', '.join(REQUIRES_TYPES)})"
        if isinstance(amount, bool) or not isinstance(amount, REQUIRES_TYPES[key]) or amount < 0:
            kind = "a whole number" if REQUIRES_TYPES[key] is WHOLE else "a number"
            return None, f"requires.{key} must be {kind}, 0 or more, not {amount!r}"
    return Requirements(**value), ""


@dataclass(frozen=True)
class Tolerance:
    """How far `livedeck --check` lets a lesson's results move from its frozen record before calling it
    drift: numbers within `atol + rtol × |old|`, figures' coordinates within `points` (1/72 in), and
    figures compared by pixels when their drawing changed shape, within `pixels` (the share that differ)."""
    rtol: float = 1e-5
    atol: float = 1e-8
    points: float = 0.05
    pixels: float = 0.001


def tolerance(value: Any) -> tuple[Optional[Tolerance], str]:
    """course.toml's `[check]` table as a Tolerance, or None and what is wrong with it."""
    if not isinstance(value, dict):
        return None, "[check] must be a table of rtol, atol, points and pixels"
    known = Tolerance.__dataclass_fields__
    for key, amount in value.items():
        if key not in known:
            return None, f"unknown key check.{key} (known: {', '.join(known)})"
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
            return None, f"check.{key} must be a number, 0 or more, not {amount!r}"
    return Tolerance(**{k: float(v) for k, v in value.items()}), ""
