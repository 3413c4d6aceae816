"""WSGI entry for other servers: ``gunicorn 'api.wsgi:app'`` (configure with ``FFD_*``).

``ffd serve`` does not use this module; it builds the app in each worker itself.
"""

from api.app import create_app

app = create_app()
