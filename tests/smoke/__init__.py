"""Smoke tests against a real Home Assistant server (the newest release, .venv-demo)."""
