"""The artifact store file API over an fsspec filesystem: the shared body of the object-store
flavors (s3, gcp, azure), which only say how to build their filesystem.

Object stores have no directories, only keys; a "directory" here is a key prefix, which exists
while some object lies under it. Everything is addressed by full URIs (`s3://bucket/a/b`), and
fsspec's protocol-less answers are turned back into URIs before they leave this class.

Credentials live in the flavor's config (fields marked secret); they are scrubbed from every
error message this class raises and from the records of the storage libraries' loggers, which
at DEBUG level print the requests they sign.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, NoReturn

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
from stackwise.exceptions import ArtifactStoreError
from stackwise.ui.transfer import Progress, transfer_progress

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

MASK = "****"
MIN_SECRET_LENGTH = 6

# Loggers of the libraries an object store talks through; their DEBUG records can carry
# credentials (botocore logs each request it signs, session token and access key id included).
_SCRUBBED_LOGGERS = (
    "botocore",
    "aiobotocore",
    "boto3",
    "s3fs",
    "fsspec",
    "gcsfs",
    "google",
    "adlfs",
    "azure",
    "urllib3",
    "aiohttp",
    "requests",
    "asyncio",
)


class _SecretScrubber(logging.Filter):
    """Replaces every registered secret value in log records by ****.

    A logger's filter only sees records logged to that very logger (not to its children), so
    the filter is attached to each existing logger of the storage libraries, again whenever
    new loggers have appeared since the last pass.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._seen_loggers = -1
        self._lock = threading.Lock()

    def add(self, values: Iterable[str]) -> None:
        """Scrub `values` from now on; values under MIN_SECRET_LENGTH characters are no real
        credential and would mask innocent words."""
        with self._lock:
            self._secrets.update(v for v in values if len(v) >= MIN_SECRET_LENGTH)
        self.attach()

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken record is the logging call's problem
                return True
            scrubbed = self.scrub(message)
            if scrubbed != message:
                record.msg, record.args = scrubbed, None
            if record.exc_info and not record.exc_text:  # formatters reuse a set exc_text
                record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
            if record.stack_info:
                record.stack_info = self.scrub(record.stack_info)
        return True

    def attach(self) -> None:
        """Attach to every logger of the storage libraries not yet filtered."""
        manager = logging.Logger.manager
        if len(manager.loggerDict) == self._seen_loggers:
            return
        with self._lock:
            names = list(manager.loggerDict)
            self._seen_loggers = len(names)
            for name in names:
                if name.split(".", 1)[0] not in _SCRUBBED_LOGGERS:
                    continue
                logger = manager.loggerDict[name]
                if isinstance(logger, logging.Logger) and self not in logger.filters:
                    logger.addFilter(self)


_scrubber = _SecretScrubber()


class FsspecArtifactStore(BaseArtifactStore):
    """An artifact store on an fsspec filesystem, which subclasses build in
    `_make_filesystem()`; the filesystem is built on first use and kept by the instance."""

    HAS_DIRECTORIES = False
    """False for object stores: `makedirs` is then a no-op and a prefix exists only while an
    object lies under it."""

    _filesystem: AbstractFileSystem | None = None
    _filesystem_pid: int | None = None

    @abstractmethod
    def _make_filesystem(self) -> AbstractFileSystem:
        """A new fsspec filesystem for this store (import the library here, not at module
        level: flavors are looked up without their libraries installed)."""

    # -- plumbing ----------------------------------------------------------------------

    @property
    def filesystem(self) -> AbstractFileSystem:
        """The store's filesystem, built once per process: fsspec's async filesystems (s3fs,
        gcsfs, adlfs) are bound to an event loop that does not survive a fork."""
        if self._filesystem is None or self._filesystem_pid != os.getpid():
            _scrubber.add(self._secret_values())
            try:
                self._filesystem = self._make_filesystem()
            except Exception as error:  # noqa: BLE001 - re-raised, scrubbed
                self._reraise_scrubbed(error, None)
            self._filesystem_pid = os.getpid()
            _scrubber.attach()
        return self._filesystem

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its filesystem (a client with open connections); rebuilt on use."""
        state = self.__dict__.copy()
        state.pop("_filesystem", None)
        state.pop("_filesystem_pid", None)
        return state

    @property
    def protocol(self) -> str:
        """The URI scheme of this store's root, used to turn fsspec's paths back into URIs."""
        scheme, sep, _ = self.path.partition("://")
        return scheme if sep else ""

    def _secret_values(self) -> list[str]:
        """The values of the config fields marked secret (`json_schema_extra={"secret": True}`)."""
        values = []
        for name, field in type(self.config).model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and extra.get("secret"):
                value = getattr(self.config, name, None)
                if isinstance(value, str) and value:
                    values.append(value)
        return values

    def _uri(self, fs_path: str) -> str:
        """fsspec's protocol-less path -> a URI of this store."""
        if "://" in fs_path or not self.protocol:
            return fs_path
        return f"{self.protocol}://{fs_path.lstrip('/')}"

    def _key(self, uri: str) -> str:
        """A URI -> the protocol-less, slash-trimmed path fsspec compares its answers with."""
        return str(self.filesystem._strip_protocol(uri)).rstrip("/")

    def _not_found(self, uri: str) -> FileNotFoundError:
        """Reads like the OS's own: `[Errno 2] No such object in artifact store ...: 'uri'`."""
        return FileNotFoundError(
            errno.ENOENT,
            f"No such object in artifact store '{self.name}' ({self.flavor} flavor, root "
            f"{self.path})",
            uri,
        )

    def _reraise_scrubbed(self, error: BaseException, uri: str | None) -> NoReturn:
        """Raise `error` again, as FileNotFoundError naming the URI and the store if it is one
        (and `uri` is given), and with every credential value masked in any case."""
        if isinstance(error, FileNotFoundError) and uri is not None:
            raise self._not_found(uri) from None
        if not _mentions_secret(error):
            raise error
        scrubbed = _scrubber.scrub(str(error))
        try:
            clean: BaseException = type(error)(scrubbed)
        except Exception:  # noqa: BLE001 - the type takes other arguments
            clean = OSError(f"{type(error).__name__}: {scrubbed}")
        raise clean from None  # the original (and its chain) quotes the credentials

    @contextmanager
    def _errors(self, uri: str) -> Iterator[None]:
        _scrubber.attach()  # the libraries create some loggers only on their first request
        try:
            yield
        except Exception as error:  # noqa: BLE001 - re-raised, scrubbed
            self._reraise_scrubbed(error, uri)

    # -- the file API --------------------------------------------------------------------

    def open(self, path: str, mode: str = "r") -> IO[Any]:
        """Reads stream ranges; writes stream in blocks (multipart uploads on S3), so no object
        is ever held whole in memory. The object appears when the file is closed."""
        with self._errors(path):
            # text is UTF-8 everywhere: artifacts outlive the machine's locale
            text = {} if "b" in mode else {"encoding": "utf-8"}
            return self.filesystem.open(path, mode, **text)  # type: ignore[no-any-return]

    def exists(self, path: str) -> bool:
        with self._errors(path):
            return bool(self.filesystem.exists(path))

    def isdir(self, path: str) -> bool:
        with self._errors(path):
            return bool(self.filesystem.isdir(path))

    def isfile(self, path: str) -> bool:
        with self._errors(path):
            return bool(self.filesystem.isfile(path))

    def makedirs(self, path: str) -> None:
        if self.HAS_DIRECTORIES:
            with self._errors(path):
                self.filesystem.makedirs(path, exist_ok=True)

    def listdir(self, path: str) -> list[str]:
        """The names (not paths) directly under `path`, sorted, like `os.listdir`."""
        with self._errors(path):
            key = self._key(path)
            entries = self.filesystem.ls(path, detail=True)
            if (
                len(entries) == 1
                and entries[0]["name"].rstrip("/") == key
                and entries[0]["type"] == "file"
            ):
                raise NotADirectoryError(
                    f"{path} is a file, not a folder, in artifact store '{self.name}'."
                )
            names = {
                e["name"].rstrip("/").rsplit("/", 1)[-1]
                for e in entries
                if e["name"].rstrip("/") != key
            }
            return sorted(n for n in names if n)

    def remove(self, path: str) -> None:
        with self._errors(path):
            info = self.filesystem.info(path)
            if info["type"] == "directory":
                raise IsADirectoryError(
                    f"{path} is a folder in artifact store '{self.name}'; "
                    "use rmtree to delete it with its contents."
                )
            self.filesystem.rm_file(path)

    def rmtree(self, path: str) -> None:
        """Delete every object under the prefix `path`; a missing prefix is a no-op. Never
        deletes the bucket or container itself."""
        with self._errors(path):
            files = self._files_under(path)
            if files:
                self.filesystem.rm(files)

    def copy(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Copy the object, or every object under the prefix, `src` to `dst` (server-side where
        the store supports it). With overwrite, an existing `dst` is replaced, not merged."""
        with self._errors(src):
            if not self.filesystem.exists(src):
                raise self._not_found(src)
            if self.filesystem.exists(dst):
                if not overwrite:
                    raise FileExistsError(
                        f"{dst} exists in artifact store '{self.name}'; pass "
                        "overwrite=True to replace it."
                    )
                if self.filesystem.isdir(dst):
                    self.rmtree(dst)
            if self.filesystem.isfile(src):
                self.filesystem.copy(src, dst)
                return
            src_key = self._key(src)
            for fs_path in self._files_under(src):
                relative = fs_path[len(src_key) + 1 :]
                self.filesystem.copy(fs_path, self.join(dst, relative))

    def rename(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Copy, then delete the source: object stores cannot rename."""
        self.copy(src, dst, overwrite=overwrite)
        if self.isfile(src):
            self.remove(src)
        else:
            self.rmtree(src)

    def glob(self, pattern: str) -> list[str]:
        with self._errors(pattern):
            return sorted(self._uri(p) for p in self.filesystem.glob(pattern))

    def size(self, path: str) -> int:
        """Bytes of the object, or of all objects under the prefix."""
        with self._errors(path):
            info = self.filesystem.info(path)
            if info["type"] != "directory":
                return int(info["size"])
            return sum(int(i.get("size") or 0) for i in self._objects_under(path).values())

    def file_sizes(self, uri: str) -> dict[str, int]:
        """Relative path -> size of every object under the prefix `uri`, from one listing."""
        with self._errors(uri):
            start = len(self._key(uri)) + 1
            return {
                name[start:]: int(info.get("size") or 0)
                for name, info in self._objects_under(uri).items()
            }

    def _files_under(self, path: str) -> list[str]:
        """fsspec paths of the objects strictly under the prefix `path` (not `path` itself and
        not its siblings sharing the prefix, as `a` would match `ab`)."""
        return list(self._objects_under(path))

    def _objects_under(self, path: str) -> dict[str, dict[str, Any]]:
        """fsspec path -> info of each object under the prefix `path`, from one listing."""
        key = self._key(path)
        try:
            found = self.filesystem.find(path, detail=True)
        except FileNotFoundError:
            return {}
        return {
            name: info
            for name, info in found.items()
            if name.startswith(key + "/") and info.get("type") != "directory"
        }

    # -- local copies: one listing, then concurrent transfers --------------------------------

    def _download(self, uri: str, local_dir: str) -> None:
        """Every object under `uri` into `local_dir`, keeping the relative layout."""
        with self._errors(uri):
            key = self._key(uri)
            objects = self._objects_under(uri)
            remote = list(objects)
            if not remote:
                raise self._not_found(uri)
            root = os.path.realpath(local_dir)
            local = []
            for name in remote:
                target = os.path.realpath(os.path.join(root, *name[len(key) + 1 :].split("/")))
                if not target.startswith(root + os.sep):  # a key with ".." in it
                    raise ValueError(
                        f"{self._uri(name)} would be written outside {local_dir}; "
                        "refusing to download it."
                    )
                os.makedirs(os.path.dirname(target), exist_ok=True)
                local.append(target)
            size = sum(int(info.get("size") or 0) for info in objects.values())
            with transfer_progress(f"Downloading {_short(uri)}", size) as shown:
                self.filesystem.get(remote, local, **_counting(shown))

    def _upload(self, local_dir: str, uri: str) -> None:
        """Every file under `local_dir` to `uri` (empty folders have no object to become)."""
        local, remote = [], []
        for folder, _, files in os.walk(local_dir):
            for file in files:
                path = os.path.join(folder, file)
                local.append(path)
                relative = os.path.relpath(path, local_dir).replace(os.sep, "/")
                remote.append(self.join(uri, relative))
        if local:
            size = sum(os.path.getsize(path) for path in local)
            with self._errors(uri), transfer_progress(f"Uploading {_short(uri)}", size) as shown:
                # few parts in flight: s3fs's default of 10 x 50 MiB would hold a whole
                # staged file in memory
                self.filesystem.put(local, remote, **self._put_options(), **_counting(shown))

    def _put_options(self) -> dict[str, object]:
        """Upload options that bound memory; flavors whose filesystem differs override it."""
        import inspect

        put_file = getattr(self.filesystem, "_put_file", None)
        if put_file is not None and "max_concurrency" in inspect.signature(put_file).parameters:
            return {"max_concurrency": 2}
        return {}

    def verify(self) -> None:
        """Write, read back and delete a probe object under the store's root."""
        probe = self.join(self.path, f".stackwise-verify-{uuid.uuid4().hex}")
        try:
            with self.open(probe, "wb") as file:
                file.write(b"stackwise verify")
            with self.open(probe, "rb") as file:
                file.read()
            self.remove(probe)
        except Exception as error:  # noqa: BLE001 - reported with the fix
            reason = _scrubber.scrub(f"{type(error).__name__}: {error}")
            raise ArtifactStoreError(
                f"Artifact store '{self.name}' ({self.flavor}) cannot write to {self.path}: "
                f"{reason}. Check that the bucket/container exists, that the credentials in "
                f"its configuration (or the environment) may write there, and any endpoint "
                f"override: `stackwise stack verify` tries again after `stackwise "
                f"artifact-store update {self.name} ...`."
            ) from None


def require_scheme(value: str, schemes: tuple[str, ...], example: str) -> str:
    """`value` if it is a URI of one of `schemes` naming a bucket/container (a `{{secret}}`
    reference is let through: it is checked once resolved)."""
    value = value.strip()
    if "{{" in value:
        return value
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in schemes or not rest.strip("/"):
        allowed = " or ".join(f"'{s}://'" for s in schemes)
        raise ValueError(
            f"must be a URI starting with {allowed} and naming the bucket, e.g. '{example}'"
        )
    return f"{scheme.lower()}://{rest.rstrip('/')}"


def scrub(text: str) -> str:
    """`text` with the credentials of every object store built so far masked."""
    return _scrubber.scrub(text)


def _mentions_secret(error: BaseException | None) -> bool:
    """True when `error` or an exception it was raised from quotes a credential."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _scrubber.scrub(str(error)) != str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _short(uri: str) -> str:
    """`<artifact>/<version>` of a version folder's URI: enough to name it in a progress bar."""
    return "/".join(uri.rstrip("/").split("/")[-2:])


def _counting(progress: Progress | None) -> dict[str, Any]:
    """`callback=` for fsspec's get/put that reports each file's bytes to `progress` (none
    when nothing is shown)."""
    if progress is None:
        return {}
    from fsspec.callbacks import Callback

    shown = progress

    class _File(Callback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self._reported = 0

        def call(self, hook_name: str | None = None, **kwargs: Any) -> None:
            moved = int(self.value or 0) - self._reported
            if moved > 0:
                self._reported += moved
                shown.advance(moved)

    class _Files(Callback):  # type: ignore[misc]
        def branched(self, path_1: str, path_2: str, **kwargs: Any) -> Callback:
            return _File()

    return {"callback": _Files()}
