"""The rasa_sdk action server, reachable only by Rasa.

    python -m scripts.action_server --port 5055

Differences from `python -m rasa_sdk --actions actions`:
- listens on INTERNAL_HOST (127.0.0.1 by default), not on every interface;
- every call but /health needs the header X-Action-Secret with ACTIONS_SECRET
  (Rasa sends it, bot/endpoints.yml); without it: 403, before any action runs;
- a body that is not an action call of the shape Rasa sends (scripts/action_call.py:
  not JSON, not UTF-8, a list, a string, fields of the wrong type, a deflate
  bomb) is a 400, one over MAX_BODY_BYTES a 413, a wrong method or path 405/404;
  no answer repeats the body (rasa_sdk's own error handler echoes it, message
  text included); only a failing action on a well-formed call is a 500;
- no CORS: browsers have no business here;
- refuses to start with an empty or default secret.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import threading
from typing import Any, Optional

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.config import require_secret, settings
from scripts.action_call import BadActionCall, read_action_call

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Action-Secret"
MAX_BODY_BYTES = 2_000_000  # a tracker with a long conversation; Sanic refuses more anyway


def _declared_size(request: Request) -> int:
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return MAX_BODY_BYTES + 1


def create_app(secret: str, package: str = "actions") -> Sanic:
    app = create_sdk_app(package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    expected = secret.encode()

    @app.middleware("request")
    async def only_rasa(request: Request) -> Optional[HTTPResponse]:
        if request.path == "/health":
            return None
        provided = (request.headers.get(SECRET_HEADER) or "").encode()
        if not hmac.compare_digest(provided, expected):
            return response.json({"error": "forbidden"}, status=403)
        if request.method == "POST" and request.path.rstrip("/") == "/webhook":
            if _declared_size(request) > MAX_BODY_BYTES:
                # Sanic stops reading at the limit and runs this middleware on what it got.
                return response.json({"error": "body too large"}, status=413)
            try:
                read_action_call(request.body, request.headers.get("Content-Encoding"))
            except BadActionCall as bad:
                log.warning("action server: refused a call (%s)", bad)
                return response.json({"error": str(bad)}, status=400)
        return None

    async def no_echo(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException) and 400 <= exception.status_code < 500:
            # Too large, wrong method, unknown path: Sanic's own 4xx, with a fixed text.
            return response.json({"error": "bad request"}, status=exception.status_code)
        log.error("action server: request failed (%s)", type(exception).__name__)
        return response.json({"error": "action failed"}, status=500)

    app.error_handler.add(Exception, no_echo)
    return app


async def _warm_retrieval(app: Sanic, _loop: Any) -> None:
    """Build the retrieval index (about 25 s) in the background as the server
    starts, in the worker that answers: the first question then waits for the
    rest of the build at most, and a restarted server is reachable at once."""

    def build() -> None:
        from actions.actions import RETRIEVER
        from knowledge.db import session_scope

        try:
            with session_scope() as session:
                RETRIEVER.index(session)
        except Exception as exc:  # noqa: BLE001 - the first question builds it instead
            logging.getLogger(__name__).warning("retrieval warm-up failed (%s)", type(exc).__name__)

    threading.Thread(target=build, name="retrieval-warm-up", daemon=True).start()


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=settings().actions_port)
    args = parser.parse_args(argv)
    config = settings()
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(require_secret("ACTIONS_SECRET", config.actions_secret))
    app.register_listener(_warm_retrieval, "after_server_start")
    app.run(host=config.internal_host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
