"""WSGI entry for other servers: ``gunicorn 'api.wsgi:app'`` (configure with ``FFD_*``).

``ffd serve`` does not use this module; it builds the app in each worker itself. Do not
preload it (``--preload``): the model must be loaded after the fork, in each worker.
"""

from api.app import create_app
from api.serve import limit_threads
from api.warmup import warm_up

limit_threads()  # one torch thread per worker process, as under ``ffd serve``
app = create_app()
warm_up(app)  # the first request then costs what every other one does
