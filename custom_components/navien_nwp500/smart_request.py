"""What the planner is asked: the owner's settings and the heater's state, as a request.

``SmartOptions`` are the entry's options (inputs, comfort floor, set-back,
storage maximum); ``HeaterSmartSettings`` the settings each heater's entities
keep (the switches, the ready-by times, the showers wanted). ``plan_request``
puts them together with the heater's latest status.
"""

from dataclasses import asdict, dataclass, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.util import dt as dt_util

from .const import (
    CONF_COMFORT_FLOOR_SHOWERS,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FROM_TOU,
    CONF_SETBACK_TEMPERATURE,
    CONF_STORAGE_MAX_TEMPERATURE,
    CONF_SURPLUS_ENTITY,
    DEFAULT_COMFORT_FLOOR_SHOWERS,
    DEFAULT_SETBACK_TEMPERATURE,
    DEFAULT_STORAGE_MAX_TEMPERATURE,
)
from .heat_pump_rate import NWP500_RATES
from .hot_water import tank_litres
from .navilink.codec import (
    DHW_TEMPERATURE_MAX_C,
    DHW_TEMPERATURE_MIN_C,
    DhwOperationSetting,
)
from .planner import (
    HeaterLimits,
    HeatingRates,
    PlanRequest,
    PricePeriod,
    Promise,
    Strategy,
    SurplusPeriod,
    TankState,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .heater_state import HeaterState
    from .hot_water import HotWaterSettings
    from .navilink.codec import DeviceFeature

NWP500_START_MARGINS_K: Final = (4.5, 6.0)
"""How far short of the set-point the upper and the lower sensor are when the heat
pump starts by itself (the simulator's NWP500, with half a kelvin to spare above)."""
DEFAULT_READY_BY_WEEKDAYS: Final = time(6, 30)
DEFAULT_READY_BY_WEEKENDS: Final = time(8, 0)
DEFAULT_READY_BY_SHOWERS: Final = 3.0


@dataclass(frozen=True, slots=True)
class SmartOptions:
    """The smart heating options of the entry, °C and showers."""

    price_entity: str | None = None
    price_from_tou: bool = False
    surplus_entity: str | None = None
    comfort_floor_showers: float = DEFAULT_COMFORT_FLOOR_SHOWERS
    setback_c: float = DEFAULT_SETBACK_TEMPERATURE
    storage_max_c: float = DEFAULT_STORAGE_MAX_TEMPERATURE

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> SmartOptions:
        """Read them from the entry's options (defaults where unset)."""
        return cls(
            price_entity=options.get(CONF_PRICE_ENTITY) or None,
            price_from_tou=bool(options.get(CONF_PRICE_FROM_TOU, False)),
            surplus_entity=options.get(CONF_SURPLUS_ENTITY) or None,
            comfort_floor_showers=float(
                options.get(CONF_COMFORT_FLOOR_SHOWERS, DEFAULT_COMFORT_FLOOR_SHOWERS)
            ),
            setback_c=float(
                options.get(CONF_SETBACK_TEMPERATURE, DEFAULT_SETBACK_TEMPERATURE)
            ),
            storage_max_c=float(
                options.get(
                    CONF_STORAGE_MAX_TEMPERATURE, DEFAULT_STORAGE_MAX_TEMPERATURE
                )
            ),
        )


@dataclass(frozen=True, slots=True)
class HeaterSmartSettings:
    """What a heater's smart heating entities keep (stored across restarts)."""

    enabled: bool = False
    ready_by: bool = False
    weekdays: time = DEFAULT_READY_BY_WEEKDAYS
    weekends: time = DEFAULT_READY_BY_WEEKENDS
    showers: float = DEFAULT_READY_BY_SHOWERS

    def as_stored(self) -> dict[str, Any]:
        """Return the settings as stored (JSON)."""
        return asdict(self) | {
            "weekdays": self.weekdays.isoformat(),
            "weekends": self.weekends.isoformat(),
        }

    @classmethod
    def from_stored(cls, raw: Mapping[str, Any]) -> HeaterSmartSettings:
        """Read stored settings back (defaults for what is missing or unreadable)."""
        settings = cls()
        try:
            return replace(
                settings,
                enabled=bool(raw.get("enabled", settings.enabled)),
                ready_by=bool(raw.get("ready_by", settings.ready_by)),
                weekdays=time.fromisoformat(raw.get("weekdays", "06:30")),
                weekends=time.fromisoformat(raw.get("weekends", "08:00")),
                showers=float(raw.get("showers", settings.showers)),
            )
        except TypeError, ValueError:
            return settings


def heater_limits(
    feature: DeviceFeature | None, *, online: bool, vacation: bool
) -> HeaterLimits:
    """Return the heater's set-point range and tank size, and whether it can be planned for."""
    low = feature.dhw_temperature_min if feature else None
    high = feature.dhw_temperature_max if feature else None
    litres = tank_litres(feature) if feature else None
    defaults = HeaterLimits()
    return HeaterLimits(
        min_setpoint_c=DHW_TEMPERATURE_MIN_C if low is None else low,
        max_setpoint_c=DHW_TEMPERATURE_MAX_C if high is None else high,
        tank_litres=defaults.tank_litres if litres is None else litres,
        start_margin_k=NWP500_START_MARGINS_K[0],
        lower_start_margin_k=NWP500_START_MARGINS_K[1],
        online=online,
        vacation=vacation,
    )


def promises(
    settings: HeaterSmartSettings,
    now: datetime,
    horizon: timedelta,
    litres_per_shower: float,
) -> tuple[Promise, ...]:
    """Each weekday or weekend ready-by time from now to the end of the horizon."""
    if not settings.ready_by or settings.showers <= 0:
        return ()
    litres = settings.showers * litres_per_shower
    today = dt_util.as_local(now).date()
    found: list[Promise] = []
    for offset in range(int(horizon / timedelta(days=1)) + 2):
        day = today + timedelta(days=offset)
        at_time = settings.weekdays if day.weekday() < 5 else settings.weekends
        at = datetime.combine(day, at_time, dt_util.get_default_time_zone())
        if now < at <= now + horizon:
            found.append(Promise(dt_util.as_utc(at), litres))
    return tuple(found)


def plan_request(
    heater: HeaterState,
    *,
    now: datetime,
    online: bool,
    options: SmartOptions,
    settings: HeaterSmartSettings,
    hot_water: HotWaterSettings,
    prices: tuple[PricePeriod, ...],
    surplus: tuple[SurplusPeriod, ...],
    rates: HeatingRates = NWP500_RATES,
) -> PlanRequest:
    """Build the planner's request for one heater from its latest status.

    `rates`: how fast this heater heats (the measured NWP500's until its own
    runs showed otherwise).
    """
    status = heater.status
    upper = status.tank_upper_temperature if status else None
    lower = status.tank_lower_temperature if status else None
    known = status is not None and upper is not None and lower is not None
    vacation = (
        status is not None
        and status.dhw_operation_setting is DhwOperationSetting.VACATION
    )
    strategies = {Strategy.READY_BY}
    if prices:
        strategies.add(Strategy.CHEAP_HOURS)
    if surplus:
        strategies.add(Strategy.SOLAR_SURPLUS)
    request = PlanRequest(
        now=now,
        tank=TankState(
            upper or 0.0, lower or 0.0, heating=bool(status and status.comp_use)
        ),
        limits=heater_limits(
            heater.feature, online=online and known, vacation=vacation
        ),
        rates=rates,
        comfort_floor_litres=options.comfort_floor_showers
        * hot_water.litres_per_shower,
        setback_c=options.setback_c,
        surplus_max_c=options.storage_max_c,
        prices=prices,
        surplus=surplus,
        strategies=frozenset(strategies),
        cold_water_c=hot_water.cold_water_c,
    )
    return replace(
        request,
        promises=promises(settings, now, request.horizon, hot_water.litres_per_shower),
    )
