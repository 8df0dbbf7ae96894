"""Config, reauth, reconfigure and options flows, end to end against the REST simulator.

Every flow talks to the simulator's real aiohttp REST app on 127.0.0.1 through
Home Assistant's shared client session; errors come from the simulator's fault
hooks. Only an unexpected exception (a bug) and a sign-in without a user id are
patched, at the single call where they would occur.
"""

from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
import json
import logging
from pathlib import Path
import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, patch

from aiohttp.test_utils import TestServer
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util.unit_system import METRIC_SYSTEM, US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.navien_nwp500 import config_flow
from custom_components.navien_nwp500.cloud_override import (
    ENV_API_URL,
    ENV_CA_FILE,
    ENV_IOT_HOST,
    ENV_IOT_PORT,
    endpoints_from_env,
)
from custom_components.navien_nwp500.config_flow import NavienConfigFlow
from custom_components.navien_nwp500.const import (
    CONF_COLD_WATER_TEMPERATURE,
    CONF_LITRES_PER_SHOWER,
    CONF_LOW_HOT_WATER_SHOWERS,
    CONF_QUEUE_MAX_AGE,
    DEFAULT_QUEUE_MAX_AGE,
    DOMAIN,
)
from custom_components.navien_nwp500.navilink.cloud import (
    Endpoints,
    NaviLinkAuth,
    NaviLinkRestClient,
)
from navilink_sim.accounts import AccountStore, SimAccount, SimDevice, demo_account
from navilink_sim.rest import API_PREFIX, RestFaults, create_rest_app

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.util.unit_system import UnitSystem

DEMO = demo_account()
DEMO_USER_ID = str(DEMO.user_seq)
OTHER = SimAccount(
    email="other@example.com",
    password="other-password",
    user_seq=20002,
    devices=[SimDevice(mac="112233445566", additional_value="5678", name="Garage")],
)
EMPTY = SimAccount(
    email="empty@example.com",
    password="empty-password",
    user_seq=30003,
    devices=[],
)
DEMO_INPUT = {CONF_EMAIL: DEMO.email, CONF_PASSWORD: DEMO.password}


@dataclass
class Sim:
    """The running REST simulator and the knobs the tests turn."""

    store: AccountStore
    faults: RestFaults
    api_url: str
    monkeypatch: pytest.MonkeyPatch


@pytest.fixture
async def sim(
    socket_enabled: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncGenerator[Sim]:
    """Serve the simulator's REST API on 127.0.0.1 and point the integration at it."""
    store = AccountStore(
        [
            demo_account(),
            replace(OTHER, devices=list(OTHER.devices)),
            replace(EMPTY, devices=[]),
        ]
    )
    faults = RestFaults()
    server = TestServer(create_rest_app(store, faults), host="127.0.0.1")
    await server.start_server()
    api_url = str(server.make_url(API_PREFIX))
    monkeypatch.setenv(ENV_API_URL, api_url)
    yield Sim(store, faults, api_url, monkeypatch)
    await server.close()


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep the integration's own set-up (and its cloud session) out of these tests."""
    # create=True: the flow must not depend on how far __init__.py has got.
    with (
        patch(
            "custom_components.navien_nwp500.async_setup_entry",
            new_callable=AsyncMock,
            return_value=True,
            create=True,
        ) as setup_entry,
        patch(
            "custom_components.navien_nwp500.async_unload_entry",
            new_callable=AsyncMock,
            return_value=True,
            create=True,
        ),
    ):
        yield setup_entry


def _entry(
    *, email: str = DEMO.email, unique_id: str = DEMO_USER_ID, title: str | None = None
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=email if title is None else title,
        unique_id=unique_id,
        data={CONF_EMAIL: email, CONF_PASSWORD: "stale-password"},
        version=1,
        minor_version=1,
    )


def _suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the suggested values the form pre-fills."""
    schema = result["data_schema"]
    assert schema is not None
    return {
        str(marker): marker.description["suggested_value"]
        for marker in schema.schema
        if marker.description and "suggested_value" in marker.description
    }


def _free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# Faults that every flow must turn into a form error and recover from. Each is a
# context manager: the error happens inside it, and the flow must succeed after it.


@contextmanager
def _passwords_refused(sim: Sim) -> Iterator[None]:
    sim.faults.reject_passwords = True
    yield
    sim.faults.reject_passwords = False


@contextmanager
def _sign_in_503(sim: Sim) -> Iterator[None]:
    sim.faults.fail_next(503, path="/user/sign-in")
    yield


@contextmanager
def _device_list_429(sim: Sim) -> Iterator[None]:
    sim.faults.fail_next(429, retry_after=30, path="/device/list")
    yield


@contextmanager
def _cloud_unreachable(sim: Sim) -> Iterator[None]:
    sim.monkeypatch.setenv(ENV_API_URL, f"http://127.0.0.1:{_free_port()}/api/v2.1")
    yield
    sim.monkeypatch.setenv(ENV_API_URL, sim.api_url)


@contextmanager
def _unreadable_answer(sim: Sim) -> Iterator[None]:
    sim.faults.fail_next(400, path="/device/list")
    yield


@contextmanager
def _unexpected_exception(sim: Sim) -> Iterator[None]:
    with patch.object(
        NaviLinkRestClient, "async_list_devices", side_effect=RuntimeError("boom")
    ):
        yield


Fault = Callable[[Sim], AbstractContextManager[None]]
FLOW_ERRORS = pytest.mark.parametrize(
    ("fault", "error"),
    [
        (_passwords_refused, "invalid_auth"),
        (_sign_in_503, "cannot_connect"),
        (_device_list_429, "cannot_connect"),
        (_cloud_unreachable, "cannot_connect"),
        (_unreadable_answer, "unknown"),
        (_unexpected_exception, "unknown"),
    ],
    ids=[
        "passwords_refused",
        "sign_in_503",
        "device_list_429",
        "cloud_unreachable",
        "unreadable_answer",
        "unexpected_exception",
    ],
)


# ------------------------------------------------------------------ user step


async def test_user_flow_creates_entry(
    hass: HomeAssistant, sim: Sim, mock_setup_entry: AsyncMock
) -> None:
    """A real sign-in and device listing create an entry keyed by the user id."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_EMAIL: f"  {DEMO.email} ", CONF_PASSWORD: DEMO.password},
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEMO.email
    assert result["data"] == DEMO_INPUT
    entry = result["result"]
    assert entry.unique_id == DEMO_USER_ID
    assert (entry.version, entry.minor_version) == (1, 1)
    assert entry.options == {}
    assert sim.faults.count("/user/sign-in") == 1
    assert sim.faults.count("/device/list") == 1
    assert len(mock_setup_entry.mock_calls) == 1


@FLOW_ERRORS
async def test_user_flow_error_then_recovery(
    hass: HomeAssistant, sim: Sim, fault: Fault, error: str
) -> None:
    """Each error shows on the form, keeps the e-mail, and the same flow then succeeds."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with fault(sim):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], DEMO_INPUT
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert _suggested(result) == {CONF_EMAIL: DEMO.email}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DEMO_INPUT
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == DEMO_USER_ID


@pytest.mark.parametrize(
    ("user_input", "error"),
    [
        ({CONF_EMAIL: DEMO.email, CONF_PASSWORD: "wrong-password"}, "invalid_auth"),
        ({CONF_EMAIL: "nobody@example.com", CONF_PASSWORD: "x"}, "invalid_auth"),
        ({CONF_EMAIL: EMPTY.email, CONF_PASSWORD: EMPTY.password}, "no_devices"),
    ],
    ids=["wrong_password", "unknown_email", "no_devices"],
)
async def test_user_flow_account_errors(
    hass: HomeAssistant, sim: Sim, user_input: dict[str, str], error: str
) -> None:
    """Wrong credentials and an account without heaters are recoverable."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert _suggested(result) == {CONF_EMAIL: user_input[CONF_EMAIL]}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DEMO_INPUT
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEMO.email


async def test_user_flow_sign_in_without_user_id(
    hass: HomeAssistant, sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    """A sign-in that yields no user id cannot key an entry: unknown, then recovery."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with patch.object(NaviLinkAuth, "sign_in", autospec=True, return_value=None):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], DEMO_INPUT
        )
    assert result["errors"] == {"base": "unknown"}
    assert "returned no user id" in caplog.text
    assert sim.faults.count("/device/list") == 0

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DEMO_INPUT
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_exception_is_logged(
    hass: HomeAssistant, sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception is logged with its traceback."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with _unexpected_exception(sim):
        await hass.config_entries.flow.async_configure(result["flow_id"], DEMO_INPUT)
    record = next(r for r in caplog.records if r.name.endswith("config_flow"))
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.parametrize("email", [DEMO.email, "DEMO@Example.COM"])
async def test_user_flow_duplicate_account(
    hass: HomeAssistant, sim: Sim, email: str
) -> None:
    """The same account aborts, whatever the spelling of its e-mail."""
    _entry().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: email, CONF_PASSWORD: DEMO.password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_user_flow_second_account(hass: HomeAssistant, sim: Sim) -> None:
    """A different account is a separate entry."""
    _entry().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: OTHER.email, CONF_PASSWORD: OTHER.password}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == str(OTHER.user_seq)
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# ---------------------------------------------------------------------- reauth


async def test_reauth(
    hass: HomeAssistant, sim: Sim, mock_setup_entry: AsyncMock
) -> None:
    """The new password is checked against the cloud, stored, and the entry reloaded."""
    entry = _entry()
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert (result["description_placeholders"] or {}).get(CONF_EMAIL) == DEMO.email

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO.password}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == DEMO_INPUT
    assert entry.unique_id == DEMO_USER_ID
    assert len(mock_setup_entry.mock_calls) == 1


@FLOW_ERRORS
async def test_reauth_error_then_recovery(
    hass: HomeAssistant, sim: Sim, fault: Fault, error: str
) -> None:
    """Reauth errors stay on the password form and the same flow then succeeds."""
    entry = _entry()
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    with fault(sim):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PASSWORD: DEMO.password}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": error}
    assert (result["description_placeholders"] or {}).get(CONF_EMAIL) == DEMO.email

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO.password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == DEMO.password


async def test_reauth_wrong_password_then_recovery(
    hass: HomeAssistant, sim: Sim
) -> None:
    """A password the cloud refuses is invalid_auth; the right one then works."""
    entry = _entry()
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert entry.data[CONF_PASSWORD] == "stale-password"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO.password}
    )
    assert result["reason"] == "reauth_successful"


async def test_reauth_wrong_account(hass: HomeAssistant, sim: Sim) -> None:
    """If the e-mail now belongs to another account, reauth aborts unchanged."""
    entry = _entry(email=OTHER.email, unique_id=DEMO_USER_ID)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: OTHER.password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_PASSWORD] == "stale-password"
    assert entry.unique_id == DEMO_USER_ID


# ----------------------------------------------------------------- reconfigure


def _rename_account(sim: Sim, old: str, new: str, password: str) -> None:
    """Change an account's e-mail and password in the simulator (done in the app)."""
    account = sim.store.accounts.pop(old)
    account.email = new
    account.password = password
    sim.store.accounts[new] = account


@pytest.mark.parametrize(
    ("title", "expected_title"),
    [
        (None, "new@example.com"),
        ("Cabin water heaters", "Cabin water heaters"),
    ],
    ids=["title_follows_email", "custom_title_kept"],
)
async def test_reconfigure(
    hass: HomeAssistant,
    sim: Sim,
    mock_setup_entry: AsyncMock,
    title: str | None,
    expected_title: str,
) -> None:
    """New e-mail and password of the same account replace the old ones."""
    entry = _entry(title=title)
    entry.add_to_hass(hass)
    _rename_account(sim, DEMO.email, "new@example.com", "new-password")

    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert _suggested(result) == {CONF_EMAIL: DEMO.email}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_EMAIL: "new@example.com", CONF_PASSWORD: "new-password"},
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_EMAIL: "new@example.com",
        CONF_PASSWORD: "new-password",
    }
    assert entry.title == expected_title
    assert entry.unique_id == DEMO_USER_ID
    assert len(mock_setup_entry.mock_calls) == 1


@FLOW_ERRORS
async def test_reconfigure_error_then_recovery(
    hass: HomeAssistant, sim: Sim, fault: Fault, error: str
) -> None:
    """Reconfigure errors keep the typed e-mail and the same flow then succeeds."""
    entry = _entry()
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    typed = {CONF_EMAIL: "Demo@Example.com", CONF_PASSWORD: DEMO.password}
    with fault(sim):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], typed
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": error}
    assert _suggested(result) == {CONF_EMAIL: "Demo@Example.com"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == typed


async def test_reconfigure_wrong_account(hass: HomeAssistant, sim: Sim) -> None:
    """Credentials of another account are refused; the entry stays as it was."""
    entry = _entry()
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL: OTHER.email, CONF_PASSWORD: OTHER.password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_EMAIL] == DEMO.email
    assert entry.title == DEMO.email


# --------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("options", "suggested"),
    [({}, DEFAULT_QUEUE_MAX_AGE), ({CONF_QUEUE_MAX_AGE: 900}, 900)],
    ids=["defaults", "stored"],
)
async def test_options_flow(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    options: dict[str, Any],
    suggested: int,
) -> None:
    """The queue's maximum age is stored as whole seconds; the entry is not reloaded."""
    entry = _entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert _suggested(result)[CONF_QUEUE_MAX_AGE] == suggested

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_QUEUE_MAX_AGE: 600.0}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_QUEUE_MAX_AGE: 600}
    assert entry.options == {CONF_QUEUE_MAX_AGE: 600}
    assert isinstance(entry.options[CONF_QUEUE_MAX_AGE], int)
    assert len(mock_setup_entry.mock_calls) == 1  # no reload: no logbook flood


@dataclass(frozen=True)
class OutOfRange:
    """An options form value out of range, and its error in a language."""

    units: UnitSystem
    language: str
    field: str
    value: float
    message: str


@pytest.mark.parametrize(
    "case",
    [
        OutOfRange(
            METRIC_SYSTEM,
            "en",
            CONF_QUEUE_MAX_AGE,
            29,
            "Enter a wait from 30 to 3600 seconds.",
        ),
        OutOfRange(
            METRIC_SYSTEM,
            "en",
            CONF_QUEUE_MAX_AGE,
            3601,
            "Enter a wait from 30 to 3600 seconds.",
        ),
        OutOfRange(
            METRIC_SYSTEM,
            "fr",
            CONF_COLD_WATER_TEMPERATURE,
            31,
            "Saisissez une température de 0 °C à 30 °C.",
        ),
        OutOfRange(
            US_CUSTOMARY_SYSTEM,
            "en",
            CONF_COLD_WATER_TEMPERATURE,
            31,
            "Enter a temperature from 32 °F to 86 °F.",
        ),
        OutOfRange(
            US_CUSTOMARY_SYSTEM,
            "es",
            CONF_LITRES_PER_SHOWER,
            60,
            "Introduce una cantidad de 2.6 gal a 52.8 gal.",
        ),
        OutOfRange(
            METRIC_SYSTEM,
            "fr",
            CONF_LOW_HOT_WATER_SHOWERS,
            11,
            "Saisissez de 0 à 10 douches.",
        ),
    ],
    ids=["queue_low", "queue_high", "cold_fr", "cold_imperial", "shower_es", "low_fr"],
)
async def test_options_flow_out_of_range(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, case: OutOfRange
) -> None:
    """A value out of range is a translated error naming the range in the user's units."""
    hass.config.units = case.units
    entry = _entry()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    user_input = {CONF_QUEUE_MAX_AGE: 600, case.field: case.value}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {case.field: f"{case.field}_out_of_range"}
    assert (
        _suggested(result)[case.field] == case.value
    )  # the input is kept to be corrected
    assert entry.options == {}
    texts = await async_get_translations(hass, case.language, "options", {DOMAIN})
    text = texts[f"component.{DOMAIN}.options.error.{case.field}_out_of_range"]
    assert text.format(**result["description_placeholders"]) == case.message

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_QUEUE_MAX_AGE: 600}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


def test_translations_complete() -> None:
    """Every step field, error and abort reason has English text; strings.json matches."""
    package = Path(config_flow.__file__).parent
    strings = json.loads((package / "strings.json").read_text(encoding="utf-8"))
    english = json.loads(
        (package / "translations" / "en.json").read_text(encoding="utf-8")
    )
    assert english == strings

    steps = {
        ("config", "user"): config_flow.CREDENTIALS_SCHEMA,
        ("config", "reauth_confirm"): config_flow.PASSWORD_SCHEMA,
        ("config", "reconfigure"): config_flow.CREDENTIALS_SCHEMA,
        ("options", "init"): config_flow.OPTIONS_SCHEMA,
    }
    for (section, step_id), schema in steps.items():
        step = english[section]["step"][step_id]
        fields = {str(marker) for marker in schema.schema}
        assert set(step["data"]) == fields, step_id
        assert set(step["data_description"]) == fields, step_id
    assert set(english["config"]["error"]) == {
        "invalid_auth",
        "cannot_connect",
        "no_devices",
        "unknown",
    }
    assert set(english["config"]["abort"]) >= {
        "already_configured",
        "wrong_account",
        "reauth_successful",
        "reconfigure_successful",
    }


async def test_translations_load(hass: HomeAssistant) -> None:
    """Home Assistant loads the config and options texts of the integration."""
    config = await async_get_translations(hass, "en", "config", {DOMAIN})
    options = await async_get_translations(hass, "en", "options", {DOMAIN})
    base = f"component.{DOMAIN}"
    assert "{email}" in config[f"{base}.config.step.reauth_confirm.description"]
    assert f"{base}.config.error.no_devices" in config
    assert f"{base}.options.step.init.data.{CONF_QUEUE_MAX_AGE}" in options


def test_flow_version() -> None:
    """The entry schema version is 1.1."""
    assert (NavienConfigFlow.VERSION, NavienConfigFlow.MINOR_VERSION) == (1, 1)


# ------------------------------------------------------------------- endpoints


def test_endpoints_default_to_the_real_cloud(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without overrides the real NaviLink cloud is used, silently."""
    for name in (ENV_API_URL, ENV_IOT_HOST, ENV_IOT_PORT, ENV_CA_FILE):
        monkeypatch.delenv(name, raising=False)
    assert endpoints_from_env() == Endpoints()
    assert endpoints_from_env({ENV_API_URL: "  ", ENV_IOT_PORT: ""}) == Endpoints()
    assert caplog.records == []


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "::1", "sim.local", "a1t30mldyslmuq-ats.iot.example.com."]
)
def test_endpoints_from_env_overrides(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, host: str
) -> None:
    """Valid overrides replace the defaults (region stays)."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    with caplog.at_level(logging.INFO):
        endpoints = endpoints_from_env(
            {
                ENV_API_URL: "http://127.0.0.1:8080/api/v2.1/",
                ENV_IOT_HOST: host,
                ENV_IOT_PORT: " 8883 ",
                ENV_CA_FILE: str(ca_file),
            }
        )
    assert endpoints == Endpoints(
        api_base_url="http://127.0.0.1:8080/api/v2.1",
        iot_host=host,
        iot_port=8883,
        region=Endpoints().region,
        ca_file=str(ca_file),
    )
    assert "from the environment" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/api/v2.1",
        "http://localhost:8080/api/v2.1",
        "http://[::1]:8080/api/v2.1",
        "http://127.0.0.2/api/v2.1",
    ],
)
def test_endpoints_api_url_is_https_or_loopback_http(url: str) -> None:
    """The REST override takes https anywhere, and plain http only on this machine."""
    assert endpoints_from_env({ENV_API_URL: url}).api_base_url == url


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (ENV_API_URL, "127.0.0.1:8080/api"),
        (ENV_API_URL, "ftp://127.0.0.1/api"),
        (ENV_API_URL, "http:///api"),
        (ENV_API_URL, "http://nlus.naviensmartcontrol.com/api/v2.1"),
        (ENV_API_URL, "http://192.168.1.20:8080/api/v2.1"),
        (ENV_IOT_HOST, "wss://iot.example.com/mqtt"),
        (ENV_IOT_HOST, "iot host"),
        (ENV_IOT_HOST, "-bad-.example.com"),
        (ENV_IOT_PORT, "https"),
        (ENV_IOT_PORT, "0"),
        (ENV_IOT_PORT, "65536"),
        (ENV_CA_FILE, "/nonexistent/ca.pem"),
    ],
)
def test_endpoints_invalid_values_fall_back(
    caplog: pytest.LogCaptureFixture, name: str, value: str
) -> None:
    """An invalid value is ignored with a warning naming the variable."""
    assert endpoints_from_env({name: value}) == Endpoints()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert name in warnings[0].getMessage()
