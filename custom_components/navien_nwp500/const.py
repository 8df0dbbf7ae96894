"""Constants for the Navien NWP500 integration."""

from datetime import timedelta
from typing import Final

DOMAIN: Final = "navien_nwp500"

# Options (entry.options)
CONF_QUEUE_MAX_AGE: Final = "queue_max_age"
"""Seconds a command given while the cloud is unreachable may wait before it is dropped."""
DEFAULT_QUEUE_MAX_AGE: Final = 300
MIN_QUEUE_MAX_AGE: Final = 30
MAX_QUEUE_MAX_AGE: Final = 3600

MANUFACTURER: Final = "Navien"

# Pushed status carries the data; this slow poll only guards against lost pushes.
SAFETY_POLL_INTERVAL: Final = timedelta(minutes=5)
# A reconnect shorter than this does not mark entities unavailable.
UNAVAILABLE_GRACE_PERIOD: Final = 30.0
# How often the account's device list is compared with the heaters we have.
DEVICE_LIST_REFRESH_INTERVAL: Final = 6 * 3600.0
# How long setup waits for each heater's first feature and status messages.
FIRST_DATA_TIMEOUT: Final = 10.0
# A heater that answers no status request for this many safety polls in a row
# (or one, when /device/list reports it disconnected) is unavailable on its own.
MISSED_POLLS_OFFLINE: Final = 2
# How long a heater stays unreachable before a repair issue says so.
HEATER_OFFLINE_ISSUE_DELAY: Final = 3600.0

# Hot water options (entry.options); changing them needs no reload.
CONF_COLD_WATER_TEMPERATURE: Final = "cold_water_temperature"
"""Cold-water (inlet) temperature in °C: the NWP500 does not measure it."""
MIN_COLD_WATER_TEMPERATURE: Final = 0.0
MAX_COLD_WATER_TEMPERATURE: Final = 30.0
CONF_LITRES_PER_SHOWER: Final = "litres_per_shower"
"""Litres of 40 °C water one shower takes."""
MIN_LITRES_PER_SHOWER: Final = 10.0
MAX_LITRES_PER_SHOWER: Final = 200.0
CONF_LOW_HOT_WATER_SHOWERS: Final = "low_hot_water_showers"
"""Showers' worth of hot water under which "Low hot water" turns on."""
MIN_LOW_HOT_WATER_SHOWERS: Final = 0.0
MAX_LOW_HOT_WATER_SHOWERS: Final = 10.0

# Fields of the actions' data and answers.
ATTR_DAYS: Final = "days"
ATTR_PERIOD_DAYS: Final = "period_days"
ATTR_ENABLED: Final = "enabled"
ATTR_RESERVATIONS: Final = "reservations"
ATTR_TIME: Final = "time"
ATTR_MODE: Final = "mode"
ATTR_YEAR: Final = "year"
ATTR_MONTH: Final = "month"
ATTR_DURATION: Final = "duration"

# Smart heating options (entry.options, stored in °C); changing them needs no reload.
CONF_PRICE_ENTITY: Final = "price_entity"
"""Sensor with the electricity price (and its forecast, where it offers one)."""
CONF_PRICE_FROM_TOU: Final = "price_from_tou"
"""Without a price entity: take prices from the heater's own cloud TOU plan."""
CONF_SURPLUS_ENTITY: Final = "surplus_entity"
"""Sensor with the solar surplus: the power exported to the grid, W."""
CONF_COMFORT_FLOOR_SHOWERS: Final = "comfort_floor_showers"
"""Showers' worth of hot water the tank keeps at any time."""
DEFAULT_COMFORT_FLOOR_SHOWERS: Final = 1.0
MIN_COMFORT_FLOOR_SHOWERS: Final = 0.0
MAX_COMFORT_FLOOR_SHOWERS: Final = 6.0
CONF_SETBACK_TEMPERATURE: Final = "setback_temperature"
"""Set-point the tank is held at between promises, °C."""
DEFAULT_SETBACK_TEMPERATURE: Final = 45.0
CONF_STORAGE_MAX_TEMPERATURE: Final = "storage_max_temperature"
"""Highest set-point solar surplus may raise the tank to, °C."""
DEFAULT_STORAGE_MAX_TEMPERATURE: Final = 60.0
ATTR_SEGMENTS: Final = "segments"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
