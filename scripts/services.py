"""Start the three services, wait until they answer, stop them cleanly.

    python -m scripts.services      # what `make run` ends with; Ctrl-C stops all

Processes and ports (defaults):
    rasa       5005  Rasa server: NLU + dialogue, REST and socket.io channels (INTERNAL_HOST only)
    actions    5055  rasa_sdk action server: answers from the knowledge base (INTERNAL_HOST only)
    web        8000  FastAPI: knowledge API, widget demo page, staff console (WEB_HOST: the public one)
Every hour (and once at start) the launcher runs `python -m scripts.retention`,
which deletes conversations and tickets older than RETENTION_DAYS.
No secret is on a command line: RASA_JWT_SECRET and ACTIONS_SECRET travel in the
environment (random per run in development, required otherwise).
The end-to-end tests start the same processes on other ports with start_all().
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Union

from knowledge.config import require_secret, settings
from scripts.train import model_path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "log"
SECRETS = ("RASA_JWT_SECRET", "ACTIONS_SECRET")
RESTART_WINDOW = 10.0  # seconds
BACKOFF = 5.0  # seconds
RETENTION_EVERY = 3600.0  # seconds between two runs of scripts.retention


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    ready_url: str
    log: Path
    env: Dict[str, str] = field(default_factory=dict, repr=False)
    ports: Optional[Ports] = None  # the ports it was started with (several Rasa servers: each its own)
    model: Optional[Path] = None

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Services:
    ports: Ports
    items: List[Service] = field(default_factory=list)

    def stop(self, names: Optional[List[str]] = None) -> None:
        for service in self.items:
            if names is None or service.name in names:
                stop_process(service.process)

    def get(self, name: str) -> Service:
        return next(s for s in self.items if s.name == name)

    def restart(self, which: Union[str, Service]) -> Service:
        """Stop one service (by name: the first of that name) and start it again as it was."""
        old = self.get(which) if isinstance(which, str) else which
        stop_process(old.process)
        new = start([old.name], old.ports or self.ports, old.model, env=old.env)[0]
        self.items[self.items.index(old)] = new
        return new


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


def _spawn(name: str, port: int, command: List[str], ready_url: str, env: Dict[str, str]) -> Service:
    """Start one service; its output is appended to var/log/NAME-PORT.log (a restart keeps the crash)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}-{port}.log"
    handle = log.open("a")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    return Service(name, process, ready_url, log, env)


def commands(ports: Ports, model: Path) -> Dict[str, List[str]]:
    """The command lines: no secret in any of them (`ps` shows them to every user)."""
    py, host = sys.executable, settings().internal_host
    return {
        "actions": [py, "-m", "scripts.action_server", "--port", str(ports.actions)],
        "web": [
            py,
            "-m",
            "uvicorn",
            "--factory",
            "webapp.app:served_app",
            "--host",
            settings().web_host,
            "--port",
            str(ports.web),
            "--no-access-log",
            "--log-level",
            "warning",
            "--ws",
            "none",
        ],
        "rasa": [
            py,
            "-m",
            "scripts.rasa_server",
            "run",
            "--model",
            str(model),
            "--interface",
            host,
            "--port",
            str(ports.rasa),
            "--enable-api",
            "--credentials",
            "bot/credentials.yml",
            "--endpoints",
            "bot/endpoints.yml",
        ],
    }


def secrets_env(env: Dict[str, str]) -> Dict[str, str]:
    """The internal secrets for this run: from ENV; in development, random ones per run.

    Outside development a missing or default secret stops the launcher before anything starts."""
    out: Dict[str, str] = {}
    development = env.get("JB_ENV") == "development"
    for name in SECRETS:
        value = env.get(name, "")
        if not value and development:
            value = secrets.token_urlsafe(32)
        out[name] = require_secret(name, value)
    return out


def ready_urls(ports: Ports) -> Dict[str, str]:
    return {
        "actions": f"http://127.0.0.1:{ports.actions}/health",
        "web": f"http://127.0.0.1:{ports.web}/healthz",
        "rasa": f"http://127.0.0.1:{ports.rasa}/",
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False


def wait_ready(services: List[Service], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    pending = list(services)
    while pending:
        for service in list(pending):
            if not service.alive():
                raise RuntimeError(
                    f"{service.name} stopped while starting; see {service.log}:\n"
                    + service.log.read_text(errors="replace")[-3000:]
                )
            if answers(service.ready_url):
                pending.remove(service)
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {timeout}s: {[s.name for s in pending]}")
        time.sleep(0.5)


def start(
    names: List[str], ports: Ports = Ports(), model: Optional[Path] = None, env: Optional[Dict[str, str]] = None
) -> List[Service]:
    """Start the named services and wait until each answers."""
    model = model or model_path()
    full_env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        **(env or {}),
    }
    full_env.update(secrets_env(full_env))
    # The web app, Rasa and the action server find each other on the ports of this run.
    host = settings().internal_host
    full_env.setdefault("RASA_URL", f"http://{host}:{ports.rasa}")
    full_env["ACTIONS_URL"] = f"http://{host}:{ports.actions}/webhook"
    cmds, urls = commands(ports, model), ready_urls(ports)
    started = [_spawn(n, getattr(ports, n), cmds[n], urls[n], full_env) for n in names]
    for service in started:
        service.ports, service.model = ports, model
    try:
        wait_ready(started)
    except Exception:
        for service in started:
            stop_process(service.process)
        raise
    return started


def rasa_urls(ports: Ports, count: int) -> str:
    """RASA_URL for COUNT Rasa servers on ports.rasa, ports.rasa + 1, ..."""
    host = settings().internal_host
    return ",".join(f"http://{host}:{ports.rasa + i}" for i in range(count))


def start_all(
    ports: Ports = Ports(),
    model: Optional[Path] = None,
    env: Optional[Dict[str, str]] = None,
    rasa_servers: Optional[int] = None,
) -> Services:
    """All three services; the secrets are made once, so a restarted service gets the same ones.

    RASA_SERVERS (default: the RASA_SERVERS setting) Rasa servers listen on ports.rasa,
    ports.rasa + 1, ...; the web app spreads the conversations over them (RASA_URL
    lists them all; webapp/rasa_client.py). More than one needs TRACKER_STORE_URL and
    LOCK_STORE_URL only for a conversation to survive a server's restart."""
    full = {**os.environ, **(env or {})}
    env = {**(env or {}), **secrets_env(full)}
    count = rasa_servers or settings().rasa_servers
    each = [replace(ports, rasa=ports.rasa + i) for i in range(count)]
    if "RASA_URL" not in full:
        env["RASA_URL"] = rasa_urls(ports, count)
    items = start(["actions", "web", "rasa"], ports, model, env)
    try:
        for extra in each[1:]:  # one after the other: two model loads at once on 2 cores take longer
            items += start(["rasa"], extra, model, env)
    except Exception:
        for service in items:
            stop_process(service.process)
        raise
    return Services(ports, items)


@dataclass
class RetentionJob:
    """`python -m scripts.retention` at once and then every EVERY seconds, in a process of
    its own (its output goes to the launcher's; a failure is retried next time, and
    never stops the launcher). One run at a time."""

    env: Dict[str, str] = field(repr=False)
    every: float = RETENTION_EVERY
    process: Optional[subprocess.Popen] = None
    next_run: float = 0.0  # time.monotonic(); 0: at the first tick

    def tick(self, now: Optional[float] = None) -> bool:
        """Start a run when one is due and none is running; whether it started one."""
        now = time.monotonic() if now is None else now
        if (self.process is not None and self.process.poll() is None) or now < self.next_run:
            return False
        self.next_run = now + self.every
        command = [sys.executable, "-m", "scripts.retention"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        return True

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


def supervise(
    services: Services, stopping: Callable[[], bool], poll: float = 1.0, jobs: Optional[List[RetentionJob]] = None
) -> None:
    """Restart a service that died, until STOPPING() says so; the others keep running.

    Safety replies live in the Rasa server, so a dead action server or web app
    must never take Rasa down with it. A service that dies again within
    RESTART_WINDOW seconds waits BACKOFF seconds before its next start."""
    last_start: Dict[str, float] = {s.name: time.monotonic() for s in services.items}
    while not stopping():
        for job in jobs or []:
            job.tick()
        for service in list(services.items):
            if service.alive() or stopping():
                continue
            code = service.process.poll()
            if time.monotonic() - last_start[service.name] < RESTART_WINDOW:
                time.sleep(BACKOFF)
            print(f"!! {service.name} stopped (exit {code}); restarting it (log: {service.log})", flush=True)
            try:
                services.restart(service)
                print(f">> {service.name} is back", flush=True)
            except Exception as exc:  # noqa: BLE001 - keep supervising the others; try again next round
                print(f"!! {service.name} did not come back ({type(exc).__name__}); trying again", flush=True)
            last_start[service.name] = time.monotonic()
        time.sleep(poll)


def main() -> None:
    if not model_path().exists():
        raise SystemExit("No trained model for the current inputs: run `make run`.")
    print(">> starting action server, web app and Rasa server (loading the model takes a minute)", flush=True)
    config = settings()
    if config.development and not all(os.environ.get(name) for name in SECRETS):
        print(">> development: random internal secrets for this run (RASA_JWT_SECRET, ACTIONS_SECRET)", flush=True)
    services = start_all(Ports(rasa=config.rasa_port, actions=config.actions_port, web=config.web_port))
    ports, host = services.ports, config.internal_host
    rasa_ports = ", ".join(str(s.ports.rasa) for s in services.items if s.name == "rasa" and s.ports)
    stores = f"tracker store {'SQL' if config.tracker_store_url else 'in memory'}, "
    stores += f"lock store {'Redis' if config.lock_store_url else 'in memory'}"
    print(
        f"""
>> all services are up (logs in var/log/):
   web app         http://{config.web_host}:{ports.web}    (the only public one; chat demo: /, API docs: /docs)
   Rasa server(s)  http://{host}: {rasa_ports}   (internal; API needs a JWT; {stores})
   action server   http://{host}:{ports.actions}   (internal; only Rasa, with X-Action-Secret)
   A service that stops is restarted. Conversations and tickets older than {config.retention_days} days
   are deleted every hour (python -m scripts.retention). Press Ctrl-C to stop.""",
        flush=True,
    )
    stopping = False

    def _stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    retention = RetentionJob(env=services.items[0].env)
    supervise(services, lambda: stopping, jobs=[retention])
    retention.stop()
    services.stop()
    print(">> all services stopped", flush=True)


if __name__ == "__main__":
    main()
