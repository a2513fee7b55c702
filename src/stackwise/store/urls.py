"""Store URLs: which database a URL names, the driver SQLAlchemy gets for it, and how it is
shown to people (never with its password).

`sqlite:///PATH` is a SQLite file; `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (also
`postgres://` and `postgresql+psycopg://`) is PostgreSQL through psycopg 3. Cheap to import: the
CLI masks URLs without loading SQLAlchemy.
"""

from __future__ import annotations

from stackwise.exceptions import ConfigError

_POSTGRES_SCHEMES = ("postgresql", "postgres")
_FORMS = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def hide_password(url: str) -> str:
    """`postgresql://user:secret@host/db` -> `postgresql://user:****@host/db`."""
    head, at, tail = url.rpartition("@")
    if not at or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':****' if colon else ''}@{tail}"


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
    """The URL SQLAlchemy opens: PostgreSQL ones get the psycopg 3 driver."""
    if dialect_of(url) == "postgresql":
        return "postgresql+psycopg://" + url.partition("://")[2]
    return url


__all__ = ["dialect_of", "engine_url", "hide_password"]
