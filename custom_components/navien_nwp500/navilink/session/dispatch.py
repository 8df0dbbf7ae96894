"""Hand each decoded message to whoever waits for it: replies, lanes, listeners."""

import logging
from typing import TYPE_CHECKING

from ..codec import (
    Device,
    DeviceFeature,
    DeviceStatus,
    InboundDecoder,
    InboundKind,
    parse_feature,
    parse_status,
)
from .listeners import Listeners

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Mapping

    from .push_watch import PushWatch
    from .replies import ReplyRouter
    from .sender import CommandSender

_LOGGER = logging.getLogger(__name__)


class MessageDispatch:
    """Decodes the messages of the current link and passes them on."""

    def __init__(
        self,
        devices: Mapping[str, Device],
        *,
        replies: ReplyRouter,
        push_watch: PushWatch,
        sender: CommandSender,
        counters: Counter[str],
    ) -> None:
        """Share the session's heaters, reply router, push watch, sender and counters."""
        self._devices = devices
        self._replies = replies
        self._push_watch = push_watch
        self._sender = sender
        self._counters = counters
        self.decoder = InboundDecoder()
        self.status_listeners: Listeners[Device, DeviceStatus] = Listeners("status")
        self.feature_listeners: Listeners[Device, DeviceFeature] = Listeners("feature")
        self.ctrl_fail_listeners: Listeners[Device, int] = Listeners("ctrl-fail")

    def handle(self, topic: str, payload: bytes) -> None:
        """Decode one message of the current link and pass it on."""
        message = self.decoder.decode(topic, payload)
        if message is None:
            return
        self._replies.route(message)
        device = self._devices.get(message.mac or "")
        if device is None:
            self._counters["foreign_messages"] += 1
            return
        ours = self._replies.answers_us(message)
        if message.kind is InboundKind.STATUS and message.payload is not None:
            self._push_watch.note_status(device.mac, unprompted=not ours)
            if self._replies.stale(message):
                _LOGGER.debug(
                    "%s: a status older than one received ignored", device.mac
                )
                return
            status = parse_status(message.payload)
            self.status_listeners.emit(device, status)
            self._sender.on_status(device.mac, status, ours=ours)
        elif message.kind is InboundKind.FEATURE and message.payload is not None:
            self.feature_listeners.emit(device, parse_feature(message.payload))
        elif message.kind is InboundKind.CTRL_FAIL:
            code = message.response.get("failCode")
            if not ours:  # another client's control (the official app)
                _LOGGER.debug("%s refused another client's control", device.mac)
                return
            _LOGGER.debug("%s refused a control (failCode %s)", device.mac, code)
            self.ctrl_fail_listeners.emit(device, code if isinstance(code, int) else -1)
