"""Deliver queued commands over one link: in order, paced, refusals resent.

Mode, temperature and power controls (``Command.paced``) are spaced
``control_spacing`` apart per device, and each one waits for its fate before
the next goes out: the device's ack (a status carrying the control's code) or
``ctrl-fail``. A refused control goes back to the front of the queue and is
resent after a doubling wait; after ``control_refusal_limit`` refusals it is
dropped with reason REFUSED. Nothing refused is ever reported as delivered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
import time
from typing import TYPE_CHECKING

from .link_watch import LinkLostError
from .queue import CommandOutcome, CommandQueue, QueueEntry
from .session_types import SendOutcome, SessionConfig
from .transport import LinkError

if TYPE_CHECKING:
    from collections import Counter

    from .commands import Command
    from .link_watch import LinkWatch
    from .replies import ReplyRouter
    from .transport import Link

_LOGGER = logging.getLogger(__name__)

type MessageBuilder = Callable[[Command], tuple[str, bytes]]
type AcceptedHook = Callable[[QueueEntry[Command], SendOutcome], None]


class CommandSender:
    """Sends one queue entry at a time for the session's task."""

    def __init__(
        self,
        queue: CommandQueue[Command],
        replies: ReplyRouter,
        config: SessionConfig,
        *,
        build: MessageBuilder,
        accepted: AcceptedHook,
        counters: Counter[str],
    ) -> None:
        """Share the session's queue, reply router, settings and counters."""
        self._queue = queue
        self._replies = replies
        self._config = config
        self._build = build
        self._accepted = accepted
        self._counters = counters
        self._next_control: dict[str, float] = {}  # mac -> earliest next control

    async def deliver(
        self, link: Link, watch: LinkWatch, entry: QueueEntry[Command]
    ) -> None:
        """Send ``entry``; settle it or put it back. Raises LinkLostError."""
        command = entry.command
        confirmation = None
        try:
            topic, payload = self._build(command)
        except ValueError:
            _LOGGER.exception(
                "Cannot encode %s for %s; dropped", command.kind, command.mac
            )
            self._queue.drop(entry, CommandOutcome.INVALID)
            return
        try:
            if command.paced:
                wait = self._next_control.get(command.mac, 0.0) - time.monotonic()
                if wait > 0:
                    await watch.race(asyncio.sleep(wait))
                # Registered before publishing: the ack may beat the PUBACK.
                confirmation = self._replies.expect_confirmation(
                    command.mac, command.request.get("command")
                )
            await watch.race(link.publish(topic, payload))
        except (LinkLostError, LinkError) as err:
            self._replies.confirmation_done(command.mac)
            self._queue.requeue(entry)
            self._accepted(entry, SendOutcome.QUEUED)
            if isinstance(err, LinkError):  # a dead path must never send it later
                watch.report_lost(str(err))
            raise LinkLostError(watch.reason) from None
        self._accepted(entry, SendOutcome.SENT)
        if confirmation is None:
            self._queue.delivered(entry)
            return
        now = time.monotonic()
        self._next_control[command.mac] = now + self._config.control_spacing
        try:
            refused = await watch.race(
                asyncio.wait_for(confirmation, self._config.control_confirm_timeout)
            )
        except TimeoutError:
            refused = False  # the broker took it; the device stayed silent
            self._counters["confirm_timeouts"] += 1
        except LinkLostError:
            self._queue.delivered(entry)  # the broker took it before the loss
            raise
        finally:
            self._replies.confirmation_done(command.mac)
        if refused:
            self._refused(entry)
        else:
            self._queue.delivered(entry)

    def _refused(self, entry: QueueEntry[Command]) -> None:
        command = entry.command
        entry.refusals += 1
        if entry.refusals >= self._config.control_refusal_limit:
            _LOGGER.warning(
                "%s for %s refused %d times; dropped",
                command.kind,
                command.mac,
                entry.refusals,
            )
            self._queue.drop(entry, CommandOutcome.REFUSED)
            return
        # Resend after a doubling wait (spacing, 2x, 4x, ...): the device's
        # minimum interval is unknown (protocol.md §17.9).
        delay = self._config.control_spacing * 2 ** (entry.refusals - 1)
        self._next_control[command.mac] = time.monotonic() + delay
        self._queue.requeue(entry)
