"""A lesson's memory limit (`memory` in course.toml or its front matter): a runaway cell fails with
"out of memory (limit N GB)" at its line, instead of growing until the machine's out-of-memory killer
ends something (a runaway recursion once reached 23.7 GB).

The limit is RLIMIT_DATA: the memory the lesson's processes allocate (heap and private mappings), which
is what runs away. Not RLIMIT_AS, the address space: torch alone reserves about a gigabyte of it that it
never uses, and a CUDA build tens. It is lowered for the run alone, so what livedeck does after (laying the
deck out, writing it) is not held to it; child processes started meanwhile keep it.
"""
from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator

GB = 1 << 30


@contextlib.contextmanager
def memory_limit(gigabytes: float) -> Iterator[None]:
    """Within the block, allocations past `gigabytes` fail (MemoryError); 0: no limit."""
    if not gigabytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = int(gigabytes * GB)
    resource.setrlimit(resource.RLIMIT_DATA, (min(limit, hard) if hard != resource.RLIM_INFINITY else limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def ran_out(error: str) -> bool:
    """Whether an error is an allocation refused (Python's MemoryError, or torch's and numpy's own words)."""
    return error.startswith("MemoryError") or any(words in error for words in (
        "can't allocate memory", "Unable to allocate", "std::bad_alloc", "Cannot allocate memory"))
