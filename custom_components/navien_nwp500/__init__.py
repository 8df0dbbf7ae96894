"""The Navien NWP500 (NaviLink) integration."""
