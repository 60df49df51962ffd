"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""

from saveflow.app import create_app

app = create_app()
