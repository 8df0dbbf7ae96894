"""The simulated REST app: fault injection in front of the auth and device routes."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from .auth import add_auth_routes
from .devices import add_device_routes
from .replies import API_PREFIX, MESSAGES, envelope

if TYPE_CHECKING:
    from navilink_sim.accounts import AccountStore

    from .faults import RestFaults

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_rest_app(store: AccountStore, faults: RestFaults) -> web.Application:
    """Build the app; nothing runs until the caller serves it."""
    faults.store = store

    @web.middleware
    async def fault_middleware(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        faults.requests[path] += 1
        if faults.delay > 0:
            await asyncio.sleep(faults.delay)
        failure = faults.take_failure(path)
        if failure is not None:
            headers = (
                {"Retry-After": f"{failure.retry_after:g}"}
                if failure.retry_after is not None
                else None
            )
            return envelope(
                None,
                code=failure.status,
                msg=MESSAGES.get(failure.status, "Error"),
                headers=headers,
            )
        return await handler(request)

    app = web.Application(middlewares=[fault_middleware])
    add_auth_routes(app, store, faults)
    add_device_routes(app, store, faults)
    return app
