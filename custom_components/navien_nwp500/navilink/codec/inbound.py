"""Decode and classify incoming MQTT messages without ever raising.

Runs on the event loop. Every rejected or odd message is counted by kind and
logged once per kind; nothing a device (or anyone on the topic) publishes can
crash the session.
"""

from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from .models import STATUS_FIELDS, PayloadKind, extract_payload

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 128 * 1024
_DEVICE_SEGMENT = re.compile(r"(?:^|/)navilink-([0-9a-fA-F]{12})(?:/|$)")
_KNOWN_STATUS_KEYS = frozenset(key for _attr, key, _decode in STATUS_FIELDS)


class InboundKind(StrEnum):
    """What a decoded message is."""

    STATUS = "status"
    FEATURE = "feature"
    CTRL_FAIL = "ctrl_fail"
    RESPONSE = "response"  # any other reply (schedules, energy, ...)


class Problem(StrEnum):
    """Why a message was not dispatched (keys of the counters)."""

    OVERSIZED = "oversized"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    NOT_OBJECT = "not_object"
    UNRECOGNIZED = "unrecognized"
    ECHO = "echo"  # a request (ours, seen again through our subscription)
    EVENT = "event"  # app-connection events and wills


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message worth dispatching."""

    topic: str
    kind: InboundKind
    mac: str | None
    response: Mapping[str, Any]  # the ``response`` object (or the whole message)
    payload: Mapping[str, Any] | None = None  # status or feature object
    session_id: str | None = None  # echoed from the request the message answers
    client_id: str | None = None  # the requester's client ID, echoed in replies


class InboundDecoder:
    """Turns raw MQTT messages into ``InboundMessage`` records, counting what it drops."""

    def __init__(self, max_bytes: int = MAX_PAYLOAD_BYTES) -> None:
        """Messages larger than ``max_bytes`` are dropped without parsing."""
        self.max_bytes = max_bytes
        self.counters: Counter[str] = Counter()
        self._logged: set[str] = set()

    def decode(self, topic: str, payload: bytes) -> InboundMessage | None:
        """Return the classified message, or None when it is dropped."""
        self.counters["received"] += 1
        if len(payload) > self.max_bytes:
            return self._reject(Problem.OVERSIZED, topic, f"{len(payload)} bytes")
        try:
            message = json.loads(payload.decode("utf-8"))  # JSON text is UTF-8 here
        except UnicodeDecodeError:
            return self._reject(Problem.MALFORMED, topic, "not UTF-8")
        except json.JSONDecodeError as err:
            text = err.doc.rstrip()
            ends_early = bool(text) and err.pos >= len(text)
            problem = Problem.TRUNCATED if ends_early else Problem.MALFORMED
            return self._reject(problem, topic, err.msg)
        if not isinstance(message, dict):
            return self._reject(Problem.NOT_OBJECT, topic, type(message).__name__)
        inbound = self._classify(topic, message)
        if inbound is None:
            return None
        self.counters[inbound.kind.value] += 1
        session_id = message.get("sessionID")
        client_id = message.get("clientID")
        return replace(
            inbound,
            session_id=session_id if isinstance(session_id, str) else None,
            client_id=client_id if isinstance(client_id, str) else None,
        )

    def _classify(self, topic: str, message: dict[str, Any]) -> InboundMessage | None:
        response = message.get("response")
        scope: Mapping[str, Any] = response if isinstance(response, dict) else message
        mac = _mac(topic, scope)
        if isinstance(response, dict) and "failCode" in response:
            return InboundMessage(topic, InboundKind.CTRL_FAIL, mac, response)
        found = extract_payload(message)
        if found is not None:
            kind, payload = found
            if kind is PayloadKind.STATUS:
                self._note_unknown_status_keys(payload)
                return InboundMessage(topic, InboundKind.STATUS, mac, scope, payload)
            return InboundMessage(topic, InboundKind.FEATURE, mac, scope, payload)
        if isinstance(response, dict):
            return InboundMessage(topic, InboundKind.RESPONSE, mac, response)
        if "request" in message:
            self.counters[Problem.ECHO.value] += 1
            return None
        if "event" in message:
            self.counters[Problem.EVENT.value] += 1
            return None
        return self._reject(Problem.UNRECOGNIZED, topic, f"keys {sorted(message)[:8]}")

    def _note_unknown_status_keys(self, status: Mapping[str, Any]) -> None:
        unknown = [key for key in status if key not in _KNOWN_STATUS_KEYS]
        if not unknown:
            return
        self.counters["unknown_fields"] += 1
        for key in unknown:
            if f"field:{key}" not in self._logged:
                self._logged.add(f"field:{key}")
                _LOGGER.debug("Status field %r is unknown; ignored", key)

    def _reject(
        self, problem: Problem, topic: str, detail: str
    ) -> InboundMessage | None:
        """Count and (the first time) log a dropped message; return None."""
        self.counters[problem.value] += 1
        if problem.value not in self._logged:
            self._logged.add(problem.value)
            _LOGGER.warning(
                "Ignoring a %s message on %s (%s); further ones are only counted",
                problem.value,
                topic,
                detail,
            )
        return None


def _mac(topic: str, scope: Mapping[str, Any]) -> str | None:
    mac = scope.get("macAddress")
    if isinstance(mac, str) and mac:
        return mac.lower()
    match = _DEVICE_SEGMENT.search(topic)
    return match.group(1).lower() if match else None
