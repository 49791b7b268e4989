"""Shared by the declaration benches: the 60-indicator demo form and a median timer."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perfdesk.demo.demo_forms import samples  # noqa: E402
from perfdesk.domain.registry import get_form  # noqa: E402
from perfdesk.app.operations import context  # noqa: E402
from perfdesk.render.grid import Grid, build_grid  # noqa: E402
from perfdesk.store import UnitRecord  # noqa: E402

RUNS = 20
TARGET_MS = 150.0
UNIT = UnitRecord(id=1, name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                  region="长治市", level="市级", profile="changzhi", created_at=None)


def grid_of_60_indicators() -> Grid:
    doc = samples(2027)[1][3]
    assert len(doc["annual_indicators"]) + len(doc["long_term_indicators"]) == 60
    return build_grid(get_form("declaration"), doc, context(UNIT, 2027, doc))


def report(name: str, render: Callable[[Grid], bytes]) -> None:
    render(grid_of_60_indicators())  # warm-up: font loading happens once per process
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render(grid_of_60_indicators())
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    verdict = "达标 OK" if median <= TARGET_MS else "未达标 SLOW"
    print(f"{name}: 60-indicator declaration, median {median:.1f} ms per form over {RUNS} runs "
          f"(target <= {TARGET_MS:.0f} ms) {verdict}")
