"""Shared fixtures for the test suite."""

import pytest

import custom_components.navien_nwp500  # noqa: F401  (HA must find our integration first)

pytest_plugins = ["tests.simulator_fixture"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None,
) -> None:
    """Let Home Assistant load custom integrations in every test."""
