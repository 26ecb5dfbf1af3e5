"""What a machine (or a Ray node) has to run lessons on, and whether a lesson's `requires:` fits it: a lesson
that cannot fit is refused at once, in one line, never run into an out-of-memory kill or left pending."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from livedeck.settings.requirements import Requirements

NVIDIA_GPUS = Path("/proc/driver/nvidia/gpus")  # one folder per GPU the driver sees (Linux)


@dataclass(frozen=True)
class Capacity:
    gpus: int
    cpus: int
    memory_gb: float

    def describe(self) -> str:
        return (f"{self.gpus or 'no'} GPU{'s' * (self.gpus != 1)}, {self.cpus} CPU core{'s' * (self.cpus != 1)}, "
                f"{self.memory_gb:.1f} GB of memory")


def _gpus() -> int:
    """GPUs this process may use, found without importing torch: the driver's list, narrowed by
    CUDA_VISIBLE_DEVICES as CUDA narrows it."""
    found = len(list(NVIDIA_GPUS.iterdir())) if NVIDIA_GPUS.is_dir() else 0
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return found
    named = [d for d in visible.split(",") if d.strip() and not d.strip().startswith("-")]
    return min(found, len(named))


def this_machine() -> Capacity:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return Capacity(_gpus(), len(os.sched_getaffinity(0)), memory)


def unmet(needs: Requirements, has: Capacity) -> list[str]:
    """What the lesson asks for that `has` lacks, each in words (`1 GPU`); empty when it fits."""
    short = []
    if needs.gpu > has.gpus:
        short.append(f"{needs.gpu} GPU{'s' * (needs.gpu > 1)}")
    if needs.cpus > has.cpus:
        short.append(f"{needs.cpus} CPU cores")
    if needs.memory_gb > has.memory_gb:
        short.append(f"{needs.memory_gb:g} GB of memory")
    return short
