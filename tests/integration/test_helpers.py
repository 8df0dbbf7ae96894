"""Client errors become the translated Home Assistant errors users see."""

from typing import TYPE_CHECKING

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate.const import DATA_COMPONENT
from homeassistant.const import Platform, UnitOfTemperature
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.navien_nwp500.helpers import translate_navilink_error
from custom_components.navien_nwp500.navilink.cloud.errors import CannotConnectError
from custom_components.navien_nwp500.navilink.codec.errors import (
    CommandValidationError,
    NaviLinkError,
)
from custom_components.navien_nwp500.navilink.session.session_types import (
    NotConnectedError,
    RequestTimeoutError,
)

from .helpers import get_entity_id

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (NotConnectedError("offline"), "not_connected"),
        (RequestTimeoutError("silent"), "no_reply"),
        (CannotConnectError("down"), "command_failed"),
    ],
)
def test_client_errors_map_to_translated_errors(error: NaviLinkError, key: str) -> None:
    translated = translate_navilink_error(error)
    assert type(translated) is HomeAssistantError
    assert translated.translation_key == key


def test_validation_errors_are_service_validation_errors() -> None:
    error = CommandValidationError(
        "invalid_days", "bad days", {"min": "1", "max": "30"}
    )
    translated = translate_navilink_error(error)
    assert isinstance(translated, ServiceValidationError)
    assert translated.translation_key == "invalid_days"
    assert translated.translation_placeholders == {"min": "1", "max": "30"}


@pytest.mark.simulator(time_scale=0, push_interval=None)
@pytest.mark.platforms(Platform.CLIMATE)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_tank_serves_both_member_names(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """HA 2026.11 reads the native_* names, 2026.10 the old ones: both agree."""
    entity_id = get_entity_id(hass, CLIMATE_DOMAIN, "climate")
    entity = hass.data[DATA_COMPONENT].get_entity(entity_id)
    assert entity is not None
    assert entity.native_temperature_unit == UnitOfTemperature.CELSIUS
    assert entity.native_current_temperature == entity.current_temperature
    assert entity.native_target_temperature == entity.target_temperature
    assert entity.current_temperature is not None
