"""Serve the dashboard page in this process: Solara's app behind an Origin and Host check.

`circlesim dashboard` runs the server here rather than in a `solara run` child, so there is
no child process to orphan: stopping the command (Ctrl-C, `kill`, `kill -9`) stops the
server. Start-up makes no network connection: Solara's PyPI version check belongs to its
own `run` command, which is not used, and its telemetry (which also looks up the machine's
public IP address) is switched off. The page's JavaScript is served from `solara[assets]`.

Every request passes `OriginGuard` first:

* the `Host` header must name this machine (127.0.0.1, localhost, ::1, or the bound
  address), so a DNS-rebinding page cannot reach the server under a foreign name;
* a request carrying an `Origin` must come from the page itself (same scheme, host and
  port), and a websocket must carry one: a page on another site open in the same browser
  cannot drive the kernel (cross-site websocket hijacking).

Tracebacks never reach the page: an exception in a widget callback is logged on the
server's stderr and the page gets one generic line (`_quiet_tracebacks`).

No cookie warning on page loads: Solara sets its session cookie `SameSite=None; Secure` only
over https or on the host name `localhost` (for pages embedded in another site's iframe) and,
on any other address, falls back to `SameSite=Lax` with a long `UserWarning` about iframes.
This page is served over plain http to 127.0.0.1 and refuses to be used from another origin
anyway (`OriginGuard`), so `Lax` is the intended setting, not a fallback: that one warning is
silenced (`_quiet_cookie_warning`); the cookie itself is unchanged.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD = frozenset({"0.0.0.0", "::", ""})
log = logging.getLogger("circlesim.dashboard")


def _hostname(netloc: str) -> str:
    """'127.0.0.1:8765' -> '127.0.0.1', '[::1]:8765' -> '::1' (lower case)."""
    try:
        return (urlsplit(f"//{netloc}").hostname or "").lower()
    except ValueError:
        return ""


class OriginGuard:
    """ASGI middleware: refuse requests with a foreign Host, or with (websockets: without) a foreign Origin.

    >>> g = OriginGuard(None, "127.0.0.1")
    >>> g.allowed("websocket", {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"})
    True
    >>> g.allowed("websocket", {"host": "127.0.0.1:8765", "origin": "http://evil.example"})
    False
    >>> g.allowed("websocket", {"host": "127.0.0.1:8765"})
    False
    >>> g.allowed("http", {"host": "evil.example:8765"})
    False
    """

    def __init__(self, app, bind_host: str):
        self.app = app
        self.any_host = bind_host in WILDCARD
        self.hosts = LOCAL_NAMES | {bind_host.strip("[]").lower()}

    def allowed(self, kind: str, headers: dict) -> bool:
        """Whether a request of `kind` ('http' or 'websocket') with these (lower-case) headers may pass."""
        host = headers.get("host", "")
        if not host or not (self.any_host or _hostname(host) in self.hosts):
            return False
        origin = headers.get("origin")
        if origin is None:
            return kind != "websocket"
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    async def __call__(self, scope, receive, send):
        """Pass an allowed request to the app; answer any other with 403 (websockets: close 1008)."""
        if scope["type"] in ("http", "websocket"):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            if not self.allowed(scope["type"], headers):
                log.warning("refused a %s request: Host %r, Origin %r", scope["type"], headers.get("host"),
                            headers.get("origin"))
                if scope["type"] == "websocket":
                    await receive()  # websocket.connect
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await send({"type": "http.response.start", "status": 403,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b"Forbidden: cross-origin request\n"})
                return
        await self.app(scope, receive, send)


def _quiet_tracebacks() -> None:
    """Log callback exceptions on the server; send the page one line instead of the traceback."""
    try:
        import solara.server.app  # noqa: F401 - loads solara.server.patch in its own order (a cycle otherwise)
        from solara.server import patch
    except ImportError:  # pragma: no cover - solara is a declared dependency of the dashboard
        return
    fake = getattr(patch, "FakeIPython", None)
    if fake is None or getattr(fake, "_circlesim_quiet", False):
        return

    def showtraceback(self, *args, **kwargs):
        log.error("error in the page", exc_info=sys.exc_info())
        msg = {"type": "exception", "traceback": "An error occurred; the details are in the server's log."}
        for socket in self.context.control_sockets:
            try:
                socket.send_json(msg)
            except Exception:  # noqa: BLE001 - a closed socket is not worth a second error
                pass

    fake.showtraceback = showtraceback
    fake._circlesim_quiet = True


#: the start of Solara's warning when it falls back to SameSite=Lax (solara/server/starlette.py)
COOKIE_WARNING = "Cookies with samesite=none require https"


def _quiet_cookie_warning() -> None:
    """Silence Solara's SameSite=Lax fallback warning (this page means Lax; see the module docstring)."""
    warnings.filterwarnings("ignore", message=COOKIE_WARNING, category=UserWarning,
                            module=r"solara\.server\.starlette")


def build_app(host: str, port: int):
    """Solara's ASGI app for the dashboard page, in production mode, wrapped in `OriginGuard`."""
    app_path = Path(__file__).with_name("dashboard.py")
    os.environ["SOLARA_APP"] = str(app_path)
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    from solara.server import settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    import solara.server.starlette as solara_starlette

    _quiet_tracebacks()
    _quiet_cookie_warning()
    return OriginGuard(solara_starlette.app, host)


def serve(host: str = "127.0.0.1", port: int = 8765, log_level: str = "warning") -> None:
    """Serve the dashboard until interrupted (Ctrl-C or SIGTERM stop it cleanly)."""
    import uvicorn

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = uvicorn.Config(build_app(host, port), host=host, port=port, log_level=log_level,
                            access_log=False, lifespan="on")
    uvicorn.Server(config).run()


__all__ = ["OriginGuard", "build_app", "serve"]
