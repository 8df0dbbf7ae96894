"""MQTT topic strings and the request envelope (protocol.md §4, §5.1, §17.4)."""

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .command import Command

PROTOCOL_VERSION = 2


def _level(value: str, what: str) -> str:
    """Refuse text that would change the topic structure (``/``, ``+``, ``#``)."""
    if not value or any(char in value for char in "/+#"):
        raise ValueError(f"Invalid {what} for an MQTT topic level: {value!r}")
    return value


def _device_path(device_type: int, mac: str) -> str:
    return f"cmd/{device_type}/navilink-{_level(mac, 'MAC address')}"


def device_topic(device_type: int, mac: str, suffix: str) -> str:
    """Where requests for one heater are published: ``cmd/{dt}/navilink-{mac}/{suffix}``."""
    return f"{_device_path(device_type, mac)}/{suffix}"


def ack_topic(device_type: int, mac: str, client_id: str) -> str:
    """Default reply topic of st, st/did and ctrl: ``cmd/{dt}/navilink-{mac}/{cid}/res``."""
    return f"{_device_path(device_type, mac)}/{_level(client_id, 'client ID')}/res"


def client_response_topic(device_type: int, client_id: str, suffix: str) -> str:
    """Reply topic of query results: ``cmd/{dt}/{cid}/res/{suffix}``."""
    return f"cmd/{device_type}/{_level(client_id, 'client ID')}/res/{suffix}"


def home_response_topic(
    device_type: int, home_seq: int, client_id: str, suffix: str
) -> str:
    """Return the five-segment reply topic (§17.4): ``cmd/{dt}/{homeSeq}/0/{cid}/res/{suffix}``."""
    return f"{_home_path(device_type, home_seq, client_id)}/{suffix}"


def _home_path(device_type: int, home_seq: int, client_id: str) -> str:
    return f"cmd/{device_type}/{home_seq}/0/{_level(client_id, 'client ID')}/res"


def home_subscription(device_type: int, home_seq: int, client_id: str) -> str:
    """Every five-segment reply for this client: ``cmd/{dt}/{homeSeq}/0/{cid}/res/#``."""
    return f"{_home_path(device_type, home_seq, client_id)}/#"


def device_subscription(device_type: int, mac: str) -> str:
    """Status, feature, acks and ctrl-fail of one heater: ``cmd/{dt}/navilink-{mac}/#``."""
    return f"{_device_path(device_type, mac)}/#"


def client_subscription(device_type: int, client_id: str) -> str:
    """Every query result for this client: ``cmd/{dt}/{cid}/res/#``."""
    return f"cmd/{device_type}/{_level(client_id, 'client ID')}/res/#"


def ctrl_fail_topic(device_type: int, mac: str) -> str:
    """Where a refused control is reported (§17.4): ``cmd/{dt}/navilink-{mac}/res/ctrl-fail``."""
    return f"{_device_path(device_type, mac)}/res/ctrl-fail"


def response_topic(command: Command, *, client_id: str, device_type: int) -> str:
    """Return the topic the device answers ``command`` on (§4.3)."""
    if command.response_suffix is None:
        return ack_topic(device_type, command.mac, client_id)
    if command.reply_home_seq is not None:
        return home_response_topic(
            device_type, command.reply_home_seq, client_id, command.response_suffix
        )
    return client_response_topic(device_type, client_id, command.response_suffix)


def envelope(
    command: Command, *, client_id: str, session_id: str, device_type: int
) -> bytes:
    """Return the JSON bytes to publish for ``command`` (§5.1)."""
    message = {
        "clientID": client_id,
        "sessionID": session_id,
        "protocolVersion": PROTOCOL_VERSION,
        "requestTopic": device_topic(device_type, command.mac, command.topic_suffix),
        "responseTopic": response_topic(
            command, client_id=client_id, device_type=device_type
        ),
        "request": dict(command.request),
    }
    return json.dumps(message, separators=(",", ":")).encode()
