"""
An aiohttp app that answers like the NaviLink REST API (``/api/v2.1``).

`create_rest_app` serves the sign-in and token routes (`auth`) and the device
routes (`devices`) behind the fault injection of `RestFaults`.
"""

from .app import create_rest_app
from .faults import RestFaults
from .replies import API_PREFIX

__all__ = ["API_PREFIX", "RestFaults", "create_rest_app"]
