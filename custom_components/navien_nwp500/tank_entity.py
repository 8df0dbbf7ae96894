"""Base of the two tank entities (water heater and thermostat): temperatures.

Each temperature member exists under its 2026.10 name and its 2026.11 ``native_*``
name, so Home Assistant 2026.11 serves the native one without a deprecation
warning and 2026.10 reads the old one (quality.md §3.5).

The heater works in half degrees Celsius. A °F user sets and sees whole °F: a
whole °F lands on a half °C (120 °F is sent as 49 °C, raw 98) that reads back
as 120.2 °F, which whole-degree precision shows as 120 °F again.
"""

from __future__ import annotations

from homeassistant.const import PRECISION_HALVES, PRECISION_WHOLE, UnitOfTemperature

from .entity import NavienEntity
from .navilink.codec import (
    DHW_TEMPERATURE_MAX_C,
    DHW_TEMPERATURE_MIN_C,
    DhwTemperaturePrecision,
)


class NavienTankEntity(NavienEntity):
    """The tank's temperatures, limits and precision, shared by both tank entities."""

    @property
    def temperature_unit(self) -> str:
        """The heater reports Celsius (2026.10 name)."""
        return UnitOfTemperature.CELSIUS

    @property
    def native_temperature_unit(self) -> str:
        """The heater reports Celsius (2026.11 name)."""
        return UnitOfTemperature.CELSIUS

    @property
    def current_temperature(self) -> float | None:
        """The hot-water temperature at the top of the tank (2026.10 name)."""
        return self.status.dhw_temperature if self.status else None

    @property
    def native_current_temperature(self) -> float | None:
        """The hot-water temperature at the top of the tank (2026.11 name)."""
        return self.current_temperature

    @property
    def target_temperature(self) -> float | None:
        """The set-point (2026.10 name)."""
        return self.status.dhw_temperature_setting if self.status else None

    @property
    def native_target_temperature(self) -> float | None:
        """The set-point (2026.11 name)."""
        return self.target_temperature

    @property
    def min_temp(self) -> float:
        """The installer's lowest set-point, °C."""
        feature = self.feature
        if feature is None or feature.dhw_temperature_min is None:
            return DHW_TEMPERATURE_MIN_C
        return feature.dhw_temperature_min

    @property
    def max_temp(self) -> float:
        """The installer's highest set-point, °C."""
        feature = self.feature
        if feature is None or feature.dhw_temperature_max is None:
            return DHW_TEMPERATURE_MAX_C
        return feature.dhw_temperature_max

    @property
    def _whole_degrees(self) -> bool:
        feature = self.feature
        return (
            feature is not None
            and feature.dhw_temperature_setting_use
            is DhwTemperaturePrecision.WHOLE_DEGREE
        )

    @property
    def _shown_in_fahrenheit(self) -> bool:
        return self.hass.config.units.temperature_unit == UnitOfTemperature.FAHRENHEIT

    @property
    def precision(self) -> float:
        """Whole °F for °F users; in °C half degrees, unless the heater takes whole ones."""
        if self._shown_in_fahrenheit or self._whole_degrees:
            return PRECISION_WHOLE
        return PRECISION_HALVES

    @property
    def target_temperature_step(self) -> float:
        """The set-point moves by 1 °F, or in the heater's °C precision."""
        return self.precision
