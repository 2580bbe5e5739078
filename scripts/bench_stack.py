"""Speed of the running stack, driven like a browser drives it, beside stock Rasa.

    python -m scripts.bench_stack                       # what `make bench` runs after scripts.bench
    python -m scripts.bench_stack --rasa-servers 2 --stores sql
    python -m scripts.bench_stack --targets stock --scenarios one

Starts our stack (action server, web app, Rasa server(s)) on ports from 36000 with
its own scratch database, and stock Rasa's example bot (`rasa init`, trained once
into var/bench/stock-rasa, scripts/bench_stock.py) in the same run. Each target
gets the same Dutch conversations: ours through the public chat endpoint of the
web app (POST /chat/messages, as the widget), stock Rasa through its REST webhook.
Scenarios (bounded concurrency: one task per conversation, one message at a time):
  burst   20 conversations sending back to back
  paced   100 conversations, 2-5 s between messages, starts spread over 10 s
  one     one conversation alone
Prints per scenario: messages/s, p50/p95/p99 latency, errors, and each service's
memory (RSS of its process tree), with the 1-minute load average before and
after. Before each scenario it waits (up to --quiet-wait seconds) until the
1-minute load average is below --quiet-load, so that other work on the machine
does not end up in the figures. No message text is logged.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp

from scripts import bench_stock, services
from scripts.bench_report import (
    Result,
    Sample,
    load_average,
    machine_busy,
    print_result,
    tree_cpu,
    tree_rss,
    wait_until_quiet,
)
from scripts.train import MODELS, model_path

ROOT = Path(__file__).resolve().parent.parent
PORTS = services.Ports(rasa=36005, actions=36055, web=36080)
STOCK_PORT = 36105
# --stores sql: Rasa's tracker store in this PostgreSQL database (schema `bench`), locks in Redis.
BENCH_PG = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
BENCH_REDIS = "redis://127.0.0.1:6379/5"
# Ordinary questions a parent asks (no safety signal, no request for a person), with follow-ups.
MESSAGES = (
    "Hallo",
    "Wat doet Veilig Thuis?",
    "Hoe lang duurt een onderzoek van Veilig Thuis?",
    "Wat is een ondertoezichtstelling?",
    "Wie beslist dat?",
    "Wat doet de Raad voor de Kinderbescherming?",
    "Mag ik iemand meenemen naar een gesprek met de jeugdbeschermer?",
    "Wat is een gezinsvoogd?",
    "Kan ik bezwaar maken tegen een beslissing van de gecertificeerde instelling?",
    "Dank je wel",
)


@dataclass(frozen=True)
class Scenario:
    name: str
    conversations: int
    messages: int  # per conversation
    pause: Optional[Tuple[float, float]] = None  # seconds between two messages of one conversation
    spread: float = 0.0  # conversations start evenly over this many seconds


SCENARIOS = {
    "burst": Scenario("burst: 20 conversations back to back", 20, 20),
    "paced": Scenario("paced: 100 conversations, 2-5 s pace", 100, 6, pause=(2.0, 5.0), spread=10.0),
    "one": Scenario("one conversation alone", 1, 40),
}


@dataclass
class Target:
    name: str
    url: str
    body: Callable[[str, str], Dict[str, Any]]
    form: Callable[[Any], bool]  # the answer has the right form
    empty: Callable[[Any], bool]  # ... but says nothing
    processes: Dict[str, List[int]] = field(default_factory=dict)  # service name: root pids


def ours(web_port: int, processes: Dict[str, List[int]]) -> Target:
    def empty(data: Any) -> bool:
        messages = data["messages"]
        return not messages or any((m.get("custom") or {}).get("kind") == "empty" for m in messages)

    return Target(
        "ours",
        f"http://127.0.0.1:{web_port}/chat/messages",
        lambda conversation, text: {"conversation": conversation, "text": text, "municipality": "Amersfoort"},
        lambda data: isinstance(data, dict) and isinstance(data.get("messages"), list),
        empty,
        processes,
    )


def stock(port: int, pid: int) -> Target:
    return Target(
        "stock Rasa",
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        lambda conversation, text: {"sender": conversation, "message": text},
        lambda data: isinstance(data, list),
        lambda data: not data,
        {"rasa": [pid]},
    )


async def _conversation(
    http: aiohttp.ClientSession, target: Target, scenario: Scenario, index: int, samples: List[Sample]
) -> None:
    rng = random.Random(index)
    conversation = uuid.uuid4().hex
    await asyncio.sleep(scenario.spread * index / max(1, scenario.conversations))
    for turn in range(scenario.messages):
        if turn and scenario.pause:
            await asyncio.sleep(rng.uniform(*scenario.pause))
        text = MESSAGES[(index + turn) % len(MESSAGES)]
        start = time.perf_counter()
        ok = empty = False
        try:
            async with http.post(target.url, json=target.body(conversation, text)) as response:
                data = await response.json(content_type=None)
                ok = response.status == 200 and target.form(data)
                empty = ok and target.empty(data)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok = False
        samples.append(Sample(time.perf_counter() - start, ok, time.perf_counter(), empty))


async def drive(target: Target, scenario: Scenario) -> Tuple[List[Sample], float]:
    """Run SCENARIO against TARGET; the samples and the wall-clock time."""
    connector = aiohttp.TCPConnector(limit=scenario.conversations)
    timeout = aiohttp.ClientTimeout(total=60)
    samples: List[Sample] = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        start = time.perf_counter()
        talks = [_conversation(http, target, scenario, i, samples) for i in range(scenario.conversations)]
        await asyncio.gather(*talks)
        return samples, time.perf_counter() - start


def measure(target: Target, scenario: Scenario, quiet_load: float, quiet_wait: float) -> Result:
    asyncio.run(drive(target, Scenario("warm-up", 2, 10)))
    waited = wait_until_quiet(quiet_load, quiet_wait)
    before = load_average()
    cpu_before = {name: sum(tree_cpu(pid) for pid in pids) for name, pids in target.processes.items()}
    # This process's tree: the driver and every service it started (both targets).
    machine_before, mine_before = machine_busy(), tree_cpu(os.getpid())
    samples, wall = asyncio.run(drive(target, scenario))
    foreign = (machine_busy() - machine_before) - (tree_cpu(os.getpid()) - mine_before)
    rss = {name: sum(tree_rss(pid) for pid in pids) for name, pids in target.processes.items()}
    cpu = {
        name: 1000 * (sum(tree_cpu(pid) for pid in pids) - cpu_before[name]) / max(1, len(samples))
        for name, pids in target.processes.items()
    }
    after = load_average()
    return Result(target.name, scenario.name, samples, wall, before, after, waited, rss, cpu, max(0.0, foreign / wall))


def _model() -> Path:
    """The model for the current inputs, else the newest trained one (said in the output)."""
    current = model_path()
    if current.exists():
        return current
    found = sorted(MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit("No trained model: run `make train` first.")
    print(f"!! no model for the current inputs; using the newest one: {found[-1].name}", flush=True)
    return found[-1]


def fresh_tracker_schema(url: str, schema: str = "bench") -> str:
    """An empty schema SCHEMA in the database at URL, for Rasa's events table; its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(url, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


def start_ours(rasa_servers: int, stores: str, env: Dict[str, str]) -> services.Services:
    from knowledge.content_io import import_content

    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    db = f"sqlite:///{folder / 'knowledge.db'}"
    import_content(url=db)
    env = {"DATABASE_URL": db, "JB_ENV": "development", "TRACKER_STORE_URL": "", "LOCK_STORE_URL": "", **env}
    if stores == "sql":
        env["TRACKER_STORE_URL"] = env["TRACKER_STORE_URL"] or fresh_tracker_schema(BENCH_PG)
        env["LOCK_STORE_URL"] = env["LOCK_STORE_URL"] or BENCH_REDIS
    print(f">> starting our stack: {rasa_servers} Rasa server(s), stores: {stores}", flush=True)
    return services.start_all(PORTS, _model(), env, rasa_servers=rasa_servers)


def threads_said(env: Dict[str, str]) -> str:
    return env.get("TF_INTRA_OP_PARALLELISM_THREADS", "TensorFlow's default")


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", default="ours,stock", help="ours, stock or both (comma-separated)")
    parser.add_argument("--scenarios", default="burst,paced,one", help=", ".join(SCENARIOS))
    parser.add_argument("--rasa-servers", type=int, default=1, help="Rasa server processes behind the web app")
    parser.add_argument("--stores", choices=("memory", "sql"), default="memory", help="ours: sql = PostgreSQL + Redis")
    parser.add_argument("--tracker-store-url", default="", help=f"--stores sql: default {BENCH_PG}, schema bench")
    parser.add_argument("--lock-store-url", default="", help=f"with --stores sql (default: {BENCH_REDIS})")
    parser.add_argument("--tf-threads", type=int, default=0, help="TensorFlow inter-/intra-op threads")
    parser.add_argument("--quiet-load", type=float, default=0.7)
    parser.add_argument("--quiet-wait", type=float, default=900.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the services it started on a kill too
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    env = {"TRACKER_STORE_URL": args.tracker_store_url, "LOCK_STORE_URL": args.lock_store_url}
    if args.tf_threads:
        threads = str(args.tf_threads)
        env.update(TF_INTER_OP_PARALLELISM_THREADS=threads, TF_INTRA_OP_PARALLELISM_THREADS=threads)
    stack: Optional[services.Services] = None
    stock_process = None
    try:
        targets: List[Target] = []
        if "ours" in args.targets:
            stack = start_ours(args.rasa_servers, args.stores, env)
            said = f"{args.rasa_servers} Rasa server(s), stores {args.stores}, TF threads {threads_said(env)}"
            print(f">> ours: {said}", flush=True)
            pids: Dict[str, List[int]] = {}
            for service in stack.items:
                pids.setdefault(service.name, []).append(service.process.pid)
            targets.append(ours(PORTS.web, pids))
        if "stock" in args.targets:
            stock_process = bench_stock.start(STOCK_PORT)
            targets.append(stock(STOCK_PORT, stock_process.pid))
        for name in names:
            for target in targets:
                print_result(measure(target, SCENARIOS[name], args.quiet_load, args.quiet_wait))
    finally:
        if stack is not None:
            stack.stop()
        if stock_process is not None:
            services.stop_process(stock_process)


if __name__ == "__main__":
    main()
