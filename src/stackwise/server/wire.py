"""Headers and status codes both ends of the wire agree on (the server's side: RestStore
keeps the same names in `stackwise.store.rest.rest_store`)."""

from __future__ import annotations

from stackwise import exceptions as _e
from stackwise.store.rest.rest_store import IDEMPOTENCY_HEADER, VERSION_HEADER

# the most specific first: an error's status is that of the first class it is an instance of
_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (KeyError, 404),
    (_e.EntityExistsError, 409),
    (_e.IllegalOperationError, 409),
    (_e.CredentialsNotValid, 401),
    (_e.AuthorizationException, 403),
    (ValueError, 422),
    (TypeError, 422),
    (_e.StackwiseError, 400),
)


def status_of(error: BaseException) -> int:
    """The HTTP status a Store error is answered with (500: not the caller's fault)."""
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 500


__all__ = ["IDEMPOTENCY_HEADER", "VERSION_HEADER", "status_of"]
