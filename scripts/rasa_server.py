"""Start the Rasa server with its secrets from the environment, never the command line.

    python -m scripts.rasa_server run --model M --interface 127.0.0.1 --port 5005 \
        --enable-api --credentials bot/credentials.yml --endpoints bot/endpoints.yml

Rasa reads its API secret only from `--jwt-secret` / `--auth-token`, which `ps`
shows to every user of the machine. This wrapper adds `--jwt-secret` (from
RASA_JWT_SECRET) to Python's own sys.argv: /proc/PID/cmdline keeps the command
as it was started, without the secret. There is no `--auth-token`: Rasa's plain
token is only accepted as a URL parameter (`?token=`), which proxies and access
logs would keep. It also sets the variables bot/endpoints.yml reads, from
knowledge/config.py, and refuses to start with an empty or default secret.
It also removes two of Rasa's per-message costs first (bot/speedups.py).
"""

from __future__ import annotations

import os
import sys

from knowledge.config import require_secret, settings


def rasa_argv(argv: list) -> list:
    """ARGV with the JWT secret added; refuses flags that would put a secret or an open CORS on the command line."""
    for flag in ("--auth-token", "-t", "--jwt-secret", "--cors"):
        if flag in argv:
            raise SystemExit(f"scripts.rasa_server: {flag} is not allowed (secrets come from the environment)")
    config = settings()
    secret = require_secret("RASA_JWT_SECRET", config.rasa_jwt_secret)
    return ["rasa", *argv, "--jwt-secret", secret, "--jwt-method", "HS256"]


def main() -> None:
    config = settings()
    argv = rasa_argv(sys.argv[1:])
    os.environ["ACTIONS_URL"] = config.actions_url
    os.environ["ACTIONS_SECRET"] = require_secret("ACTIONS_SECRET", config.actions_secret)
    sys.argv = argv
    from rasa.__main__ import main as rasa_main

    if config.rasa_speedups:
        from bot import speedups

        speedups.install()

    rasa_main()


if __name__ == "__main__":
    main()
