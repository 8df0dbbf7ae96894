"""Constants for the Navien NWP500 integration."""

from typing import Final

DOMAIN: Final = "navien_nwp500"
