"""Refuse use of a session from another process or another event loop."""

import asyncio
import os


class ContextGuard:
    """Remember the process and event loop an object belongs to.

    A forked child inherits the parent's objects, sockets included, but not its
    threads: a connection that looks alive there writes into a socket the parent
    owns. An object bound to one event loop is not safe to drive from another.
    """

    def __init__(self) -> None:
        """Bind to the current process and, if one runs, the current loop."""
        self.pid = os.getpid()
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    def problem(self) -> str | None:
        """Describe why the caller may not use the object, or return None.

        The first call from a running loop binds an object created outside one.
        """
        if os.getpid() != self.pid:
            return (
                f"used from process {os.getpid()}, created in process {self.pid} "
                "(a forked child must build its own session)"
            )
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self.loop is None:
            self.loop = running
        elif running is not self.loop:
            return "used from another event loop than the one it belongs to"
        return None
