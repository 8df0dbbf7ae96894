"""Where a command goes and how it is wrapped: topics, envelopes, subscriptions."""

from typing import TYPE_CHECKING

from ..codec import commands, topics

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..codec import Command, Device
    from .replies import ReplyRouter


class Addressing:
    """The session's heaters and client ID, turned into topics and payloads."""

    def __init__(
        self, devices: Sequence[Device], client_id: str, replies: ReplyRouter
    ) -> None:
        """Address ``devices`` as ``client_id``; ``replies`` hands out session IDs."""
        self.devices = {device.mac: device for device in devices}
        self.client_id = client_id
        self._replies = replies

    def device(self, mac: str) -> Device:
        """Return the heater with MAC address ``mac``; ValueError if it is not ours."""
        try:
            return self.devices[mac]
        except KeyError:
            raise ValueError(f"{mac} is not a device of this session") from None

    def status_request(self, mac: str) -> Command:
        """Return the status request to heater ``mac``."""
        return commands.status_request(self.device(mac))

    def status_message(self, mac: str) -> tuple[str, bytes]:
        """Topic and payload of a status request to ``mac``."""
        return self.request(self.status_request(mac))

    def info_message(self, mac: str) -> tuple[str, bytes]:
        """Topic and payload of a device-info (feature) request to ``mac``."""
        return self.request(commands.device_info_request(self.device(mac)))

    def request(self, command: Command) -> tuple[str, bytes]:
        """Topic and payload of ``command`` with a fresh session ID."""
        return self.message(command, self._replies.new_session_id(command.mac))

    def message(self, command: Command, session_id: str) -> tuple[str, bytes]:
        """Topic and payload of ``command`` sent with ``session_id``."""
        device = self.device(command.mac)
        topic = topics.device_topic(
            device.device_type, command.mac, command.topic_suffix
        )
        payload = topics.envelope(
            command,
            client_id=self.client_id,
            session_id=session_id,
            device_type=device.device_type,
        )
        return topic, payload

    def subscriptions(self) -> list[str]:
        """Every topic filter the session subscribes to on each new link."""
        devices = self.devices.values()
        return [
            *(topics.device_subscription(d.device_type, d.mac) for d in devices),
            *(
                topics.client_subscription(device_type, self.client_id)
                for device_type in sorted({d.device_type for d in devices})
            ),
            *(
                topics.home_subscription(device_type, home_seq, self.client_id)
                for device_type, home_seq in sorted(
                    {(d.device_type, d.reply_home_seq) for d in devices}
                )
            ),
        ]
