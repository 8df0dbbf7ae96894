"""Config flow for the Navien NWP500 integration (NaviLink cloud account)."""

from functools import partial
import logging
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.util.unit_system import METRIC_SYSTEM
import probatio

from .cloud_override import endpoints_from_env
from .const import (
    CONF_PRICE_ENTITY,
    CONF_QUEUE_MAX_AGE,
    CONF_SURPLUS_ENTITY,
    DEFAULT_QUEUE_MAX_AGE,
    DOMAIN,
    MAX_QUEUE_MAX_AGE,
    MIN_QUEUE_MAX_AGE,
)
from .hot_water_options import (
    hot_water_errors,
    hot_water_form_values,
    hot_water_options,
    hot_water_placeholders,
    hot_water_schema,
)
from .navilink.cloud import (
    CannotConnectError,
    InvalidCredentialsError,
    NaviLinkAuth,
    NaviLinkRestClient,
)
from .smart_options import (
    CELSIUS,
    setpoint_range,
    smart_form_values,
    smart_options,
    smart_schema,
)
from .texts import number_text

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)

_EMAIL_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
)
_PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_EMAIL): _EMAIL_SELECTOR,
        probatio.Required(CONF_PASSWORD): _PASSWORD_SELECTOR,
    }
)
PASSWORD_SCHEMA = probatio.Schema(
    {probatio.Required(CONF_PASSWORD): _PASSWORD_SELECTOR}
)
OPTIONS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_QUEUE_MAX_AGE): NumberSelector(
            NumberSelectorConfig(
                step=1,
                mode=NumberSelectorMode.BOX,
                unit_of_measurement="s",
            )
        ),
    }
).extend(hot_water_schema(METRIC_SYSTEM) | smart_schema(CELSIUS))
"""The options form of a metric system; the unit-aware parts adapt it to others."""


class NavienConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a NaviLink account: sign in, check for devices, one entry per account."""

    VERSION = 1
    MINOR_VERSION = 1

    async def _async_check_account(
        self, email: str, password: str
    ) -> tuple[str | None, int, dict[str, str]]:
        """Sign in and list devices; return (user id, NWP500 count, form errors)."""
        auth = NaviLinkAuth(
            async_get_clientsession(self.hass),
            email,
            password,
            endpoints=endpoints_from_env(),
        )
        try:
            await auth.sign_in()
            if (user_seq := auth.user_seq) is None:
                _LOGGER.error("The NaviLink sign-in returned no user id")
                return None, 0, {"base": "unknown"}
            devices = await NaviLinkRestClient(auth).async_list_devices()
        except InvalidCredentialsError:
            return None, 0, {"base": "invalid_auth"}
        except CannotConnectError as err:
            _LOGGER.debug("Cannot reach the NaviLink cloud: %s", err)
            return None, 0, {"base": "cannot_connect"}
        except Exception:
            _LOGGER.exception("Unexpected error while checking the NaviLink account")
            return None, 0, {"base": "unknown"}
        return str(user_seq), sum(device.is_nwp500 for device in devices), {}

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's e-mail and password."""
        errors: dict[str, str] = {}
        if user_input is not None:
            email = user_input[CONF_EMAIL].strip()
            password = user_input[CONF_PASSWORD]
            user_id, device_count, errors = await self._async_check_account(
                email, password
            )
            if user_id is not None:
                await self.async_set_unique_id(user_id, raise_on_progress=False)
                self._abort_if_unique_id_configured()
                if device_count:
                    return self.async_create_entry(
                        title=email,
                        data={CONF_EMAIL: email, CONF_PASSWORD: password},
                    )
                errors["base"] = "no_devices"
            user_input = {CONF_EMAIL: email}

        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, user_input
            ),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the cloud refused the stored password."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new password of the same account."""
        entry = self._get_reauth_entry()
        email: str = entry.data[CONF_EMAIL]
        errors: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_PASSWORD]
            user_id, _, errors = await self._async_check_account(email, password)
            if user_id is not None:
                await self.async_set_unique_id(user_id, raise_on_progress=False)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: password}
                )

        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=PASSWORD_SCHEMA,
            description_placeholders={CONF_EMAIL: email},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the e-mail or password of the configured account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        suggested: Mapping[str, Any] = {CONF_EMAIL: entry.data[CONF_EMAIL]}
        if user_input is not None:
            email = user_input[CONF_EMAIL].strip()
            password = user_input[CONF_PASSWORD]
            user_id, _, errors = await self._async_check_account(email, password)
            if user_id is not None:
                await self.async_set_unique_id(user_id, raise_on_progress=False)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                # Keep a title the user chose; follow the e-mail otherwise.
                title_follows_email = entry.title == entry.data[CONF_EMAIL]
                return self.async_update_reload_and_abort(
                    entry,
                    title=email if title_follows_email else UNDEFINED,
                    data_updates={CONF_EMAIL: email, CONF_PASSWORD: password},
                )
            suggested = {CONF_EMAIL: email}

        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, suggested
            ),
            errors=errors,
        )

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> NavienOptionsFlow:
        """Return the options flow handler."""
        return NavienOptionsFlow()


class NavienOptionsFlow(OptionsFlow):
    """Settings a user may want to change after set-up.

    None of them reloads the entry (a reload would recreate every entity and
    flood the logbook): the session takes a new queue wait at once and the hot
    water entities follow their settings (see ``async_setup_entry``). Ranges are
    checked here, not by the form's schema, so that each error is translated
    and names its range in the user's units.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the queue wait, the hot water and the smart heating settings."""
        options = self.config_entry.options
        units = self.hass.config.units
        current = {
            CONF_QUEUE_MAX_AGE: options.get(CONF_QUEUE_MAX_AGE, DEFAULT_QUEUE_MAX_AGE),
            **hot_water_form_values(options, units),
            **smart_form_values(options, units.temperature_unit),
        }
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {
            "queue_min": number_text(self.hass, MIN_QUEUE_MAX_AGE),
            "queue_max": number_text(self.hass, MAX_QUEUE_MAX_AGE),
            **hot_water_placeholders(units, partial(number_text, self.hass)),
        }
        if user_input is not None:
            smart, smart_errors, smart_placeholders = smart_options(
                self.hass, user_input, self._setpoint_range()
            )
            errors = (
                _queue_errors(user_input)
                | hot_water_errors(user_input, units)
                | smart_errors
            )
            placeholders |= smart_placeholders
            if not errors:
                kept = {
                    key: value
                    for key, value in options.items()
                    if key not in (CONF_PRICE_ENTITY, CONF_SURPLUS_ENTITY)
                }
                return self.async_create_entry(
                    data={
                        **kept,
                        CONF_QUEUE_MAX_AGE: int(user_input[CONF_QUEUE_MAX_AGE]),
                        **hot_water_options(user_input, units),
                        **smart,
                    }
                )
            current = {**current, **user_input}

        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA.extend(
                    hot_water_schema(units) | smart_schema(units.temperature_unit)
                ),
                current,
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _setpoint_range(self) -> tuple[float, float]:
        """Return the set-points every heater of the entry takes, °C."""
        coordinator = getattr(self.config_entry, "runtime_data", None)
        heaters = coordinator.data.heaters.values() if coordinator else ()
        return setpoint_range(heater.feature for heater in heaters)


def _queue_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return the form error of a maximum command wait out of its range."""
    if MIN_QUEUE_MAX_AGE <= user_input[CONF_QUEUE_MAX_AGE] <= MAX_QUEUE_MAX_AGE:
        return {}
    return {CONF_QUEUE_MAX_AGE: f"{CONF_QUEUE_MAX_AGE}_out_of_range"}
