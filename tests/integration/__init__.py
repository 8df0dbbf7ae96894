"""Tests of the Home Assistant integration (config flow, set-up, platforms)."""
