"""Store URLs: which database a URL names, the driver SQLAlchemy gets for it, and how it is
shown to people (never with its password).

`sqlite:///PATH` is a SQLite file; `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (also
`postgres://` and `postgresql+psycopg://`) is PostgreSQL through psycopg 3. Cheap to import: the
CLI masks URLs without loading SQLAlchemy.
"""

from __future__ import annotations

from stackwise.exceptions import ConfigError

_POSTGRES_SCHEMES = ("postgresql", "postgres")
STORE_PASSWORD_ENV = "STACKWISE_STORE_PASSWORD"  # noqa: S105 - a variable's name
_FORMS = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def hide_password(url: str) -> str:
    """`postgresql://user:secret@host/db` -> `postgresql://user:****@host/db`."""
    head, at, tail = url.rpartition("@")
    if not at or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':****' if colon else ''}@{tail}"


def split_password(url: str) -> tuple[str, str | None]:
    """`postgresql://user:secret@host/db` -> (`postgresql://user@host/db`, `secret`): a remote
    step's task gets the URL in its environment and the password as a credential
    (STACKWISE_STORE_PASSWORD, which `engine_url` puts back)."""
    head, at, tail = url.rpartition("@")
    if not at or "://" not in head or url.startswith(("http://", "https://")):
        return url, None
    scheme, _, credentials = head.partition("://")
    user, colon, password = credentials.partition(":")
    if not colon:
        return url, None
    return f"{scheme}://{user}@{tail}", password


def with_password(url: str, password: str | None) -> str:
    """`url` with `password` when it names a user but no password (the inverse of
    `split_password`); unchanged otherwise."""
    head, at, tail = url.rpartition("@")
    if not password or not at or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    if ":" in credentials:
        return url
    return f"{scheme}://{credentials}:{password}@{tail}"


def dialect_of(url: str) -> str:
    """ "sqlite" or "postgresql"; ConfigError naming the accepted forms otherwise."""
    scheme, sep, _ = url.partition("://")
    base, _, driver = scheme.partition("+")
    if sep and base == "sqlite":
        return "sqlite"
    if sep and base in _POSTGRES_SCHEMES:
        if driver not in ("", "psycopg"):
            raise ConfigError(
                f"The store URL {hide_password(url)} asks for the driver '{driver}'; stackwise "
                "talks to PostgreSQL through psycopg 3: write postgresql://... (or "
                "postgresql+psycopg://...)."
            )
        return "postgresql"
    raise ConfigError(
        f"The store URL {hide_password(url)!r} names no database stackwise can open; write "
        f"{_FORMS} (in STACKWISE_STORE_URL or store_url in the global config)."
    )


def engine_url(url: str) -> str:
    """The URL SQLAlchemy opens: PostgreSQL ones get the psycopg 3 driver, and the password
    from STACKWISE_STORE_PASSWORD when the URL names a user without one (a remote step's)."""
    import os

    if dialect_of(url) == "postgresql":
        url = with_password(url, os.environ.get(STORE_PASSWORD_ENV))
        return "postgresql+psycopg://" + url.partition("://")[2]
    return url


__all__ = ["dialect_of", "engine_url", "hide_password", "split_password", "with_password"]
