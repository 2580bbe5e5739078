"""Figures for scripts.bench_stack: latency percentiles, throughput, memory, load average."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple


@dataclass(frozen=True)
class Sample:
    seconds: float  # from sending the message to the whole reply
    ok: bool  # status 200 and a reply of the right form
    done: float  # time.perf_counter() at the reply
    empty: bool = False  # answered, but with nothing to say (stock Rasa: []; ours: the "no answer" text)


@dataclass(frozen=True)
class Result:
    target: str
    scenario: str
    samples: List[Sample]
    wall: float  # seconds from the first message sent to the last reply
    load_before: Tuple[float, float, float]
    load_after: Tuple[float, float, float]
    waited: float  # seconds spent waiting for a quiet machine
    rss_mb: Dict[str, float]
    cpu_ms: Dict[str, float]  # CPU time per message, per service, during the scenario
    foreign_cores: float = 0.0  # cores busy with other work than the target and the driver, on average


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (SHARE from 0 to 1) of VALUES."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def load_average() -> Tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def wait_until_quiet(below: float, longest: float, poll: float = 10.0) -> float:
    """Wait until the 1-minute load average is below BELOW (at most LONGEST seconds); seconds waited."""
    start = time.monotonic()
    while load_average()[0] >= below and time.monotonic() - start < longest:
        time.sleep(poll)
    return time.monotonic() - start


def _children() -> Dict[int, List[int]]:
    tree: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry))
    return tree


def _tree(pid: int) -> List[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def tree_rss(pid: int) -> float:
    """Resident memory in MB of PID and all its descendants."""
    total = 0
    for current in _tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by PID and its descendants."""
    ticks = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def summary(result: Result) -> Dict[str, float]:
    times = [s.seconds * 1000 for s in result.samples]
    return {
        "messages": len(result.samples),
        "errors": sum(not s.ok for s in result.samples),
        "empty": sum(s.ok and s.empty for s in result.samples),
        "per_second": len(result.samples) / result.wall if result.wall else 0.0,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
    }


def print_result(result: Result) -> None:
    figures = summary(result)
    memory = ", ".join(f"{name} {mb:.0f} MB" for name, mb in result.rss_mb.items())
    cpu = ", ".join(f"{name} {ms:.1f}" for name, ms in result.cpu_ms.items())
    load = f"load {result.load_before[0]:.2f} -> {result.load_after[0]:.2f}"
    if result.waited >= 1:
        load += f" (waited {result.waited:.0f} s for < threshold)"
    load += f", other work {result.foreign_cores:.2f} cores"
    print(
        f"{result.target:<11} {result.scenario:<40} {figures['messages']:>4.0f} msgs "
        f"{figures['per_second']:6.1f} msg/s  p50 {figures['p50']:6.0f} ms  p95 {figures['p95']:6.0f} ms  "
        f"p99 {figures['p99']:6.0f} ms  errors {figures['errors']:.0f}, empty {figures['empty']:.0f} "
        f"| RSS {memory} | CPU ms/msg {cpu} | {load}",
        flush=True,
    )
