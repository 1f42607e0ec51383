"""The web app and JSON API (FastAPI, server-rendered pages)."""
