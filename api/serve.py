"""``ffd serve``: the API under gunicorn, the production WSGI server.

No ``--preload``: each worker builds the app (and loads the model) after the fork,
because torch state does not survive a fork reliably. Each worker uses one torch
thread (``OMP_NUM_THREADS=1`` and ``torch.set_num_threads(1)``): with several workers
on few cores, more threads only fight over the same cores. Each worker scores a shipped
example once before it takes traffic (``api.warmup``). Configuration reaches the
workers through the ``FFD_*`` environment variables the app reads.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication

#: The example posted by the printed curl command.
EXAMPLE = Path(__file__).parent / "examples" / "audit-influencer.json"
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass
class ServeConfig:
    """How to run the server."""

    host: str = "127.0.0.1"  # interface to bind; 0.0.0.0 exposes it to the network
    port: int = 8000  # TCP port
    workers: int = 2  # worker processes (one per core is a good start)
    model: str | None = None  # model directory; None: $FFD_MODEL_DIR or var/models/default
    timeout: int = 60  # seconds before a silent worker is killed and replaced


def limit_threads() -> None:
    """One compute thread per process (call in each worker before scoring)."""
    for name in _THREAD_VARS:
        os.environ[name] = "1"
    import torch

    torch.set_num_threads(1)


class Server(BaseApplication):
    """gunicorn running ``create_app()`` in every worker."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self):
        limit_threads()
        from api.app import create_app
        from api.warmup import warm_up

        app = create_app()
        warm_up(app)  # before gunicorn hands this worker its first connection
        return app


def curl_example(host: str, port: int, example: Path = EXAMPLE) -> str:
    """A ready-to-paste command that audits the shipped example graph."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    path = os.path.relpath(example) if Path.cwd() in example.parents else str(example)
    return (f"curl -s -X POST 'http://{host}:{port}/v1/audit?limit=5' "
            f"-H 'Content-Type: application/json' --data-binary @{shlex.quote(path)}")


def gunicorn_options(config: ServeConfig) -> dict[str, Any]:
    def when_ready(server) -> None:
        click.echo(f"ffd: serving on http://{config.host}:{config.port} "
                   f"({config.workers} workers); docs at /docs. Try:\n"
                   f"  {curl_example(config.host, config.port)}", err=True)
        from models.paths import default_model_dir

        model = default_model_dir()
        if not (model / "model.json").exists():
            click.echo(f"ffd: warning: no model at {model}; /readyz and the scoring endpoints "
                       "answer 503 until one is there (train one: ffd default-model)", err=True)

    return {
        "bind": f"{config.host}:{config.port}",
        "workers": config.workers,
        "worker_class": "api.worker.ProblemWorker",  # gunicorn's sync worker, problem details
        "timeout": config.timeout,
        "preload_app": False,
        "accesslog": "-",
        "when_ready": when_ready,
        # gunicorn 27's control socket is one fixed path per user: two servers (tests,
        # benchmarks) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }


def check_bindable(host: str, port: int) -> None:
    """Refuse a port another process holds, in one line: gunicorn would retry for five
    seconds, log a line each time and exit 1.

    Raises:
        DetectorError: the address is in use or cannot be bound here.
    """
    import errno
    import socket

    from detector.errors import DetectorError

    if port == 0:
        return
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise DetectorError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            hint = ("another process listens there (another ffd serve?); stop it or pass "
                    "--port" if exc.errno == errno.EADDRINUSE else exc.strerror)
            raise DetectorError(f"cannot serve on {host}:{port}: {hint}") from None


def serve(config: ServeConfig) -> None:
    """Run gunicorn until interrupted (SIGINT/SIGTERM stop it gracefully).

    The workers share one ``FFD_RELOAD_FILE`` in a temporary directory, through which
    ``POST /v1/admin/reload`` reaches every worker (see ``api.admin``).
    """
    if config.workers < 1:
        raise ValueError(f"workers must be at least 1, got {config.workers}")
    check_bindable(config.host, config.port)
    if config.model is not None:
        os.environ["FFD_MODEL_DIR"] = str(Path(config.model).resolve())
    for name in _THREAD_VARS:
        os.environ.setdefault(name, "1")
    master, shared = os.getpid(), tempfile.mkdtemp(prefix="ffd-serve-")
    os.environ.setdefault("FFD_RELOAD_FILE", os.path.join(shared, "reload.json"))
    try:
        Server(gunicorn_options(config)).run()
    finally:
        if os.getpid() == master:  # workers leave through here too (SystemExit)
            shutil.rmtree(shared, ignore_errors=True)


@click.command("serve")
@click.option("--host", default=ServeConfig.host, show_default=True, help="Interface to bind.")
@click.option("--port", default=ServeConfig.port, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=ServeConfig.workers, show_default=True,
              type=click.IntRange(1, 64),
              help="Worker processes.")
@click.option("--model", default=None, type=click.Path(file_okay=False),
              help="Model directory [default: $FFD_MODEL_DIR or var/models/default].")
@click.option("--timeout", default=ServeConfig.timeout, show_default=True, type=int,
              help="Seconds before a stuck worker is replaced.")
def serve_command(host: str, port: int, workers: int, model: str | None, timeout: int) -> None:
    """Serve the API with gunicorn (no preload; one torch thread per worker)."""
    serve(ServeConfig(host, port, workers, model, timeout))
