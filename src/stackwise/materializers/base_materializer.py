"""The materializer contract (ZenML's): a class that saves values of its ASSOCIATED_TYPES into a
folder `self.uri` of an artifact store and loads them back.

Subclasses register themselves for their types when defined; `output_materializers=` on a step
overrides the choice per output.

Two ways to do I/O, told apart by `USES_ARTIFACT_STORE_IO`:

* through `self.artifact_store` (`open`, `makedirs`, ... or the helpers below) with the flag set
  to True: the materializer then reads and writes the store directly, on every store, with no
  copy. Every built-in does this.
* with plain local paths (`os.makedirs(self.uri)`, `model.save_model(path)`): the default,
  because it is how most user materializers are written and what ZenML users paste in. On a
  remote store stackwise then stages (`stackwise.materializers.staging`): `save()` writes
  into a local temporary folder that is uploaded only once it succeeds, and `load()` reads a
  local download of the artifact's folder.

A subclass that overrides `save` or `load` does not inherit a True flag: it must declare it
again, since an inherited promise about code it replaced would make a path-based override
fail on remote stores.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, ClassVar, cast

from stackwise.enums import ArtifactType, VisualizationType
from stackwise.exceptions import MaterializerInterfaceError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore

MetadataType = Any


class BaseMaterializerMeta(type):
    """Registers each concrete materializer class for its ASSOCIATED_TYPES."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        # this metaclass makes BaseMaterializer and its subclasses only
        cls = cast("type[BaseMaterializer]", super().__new__(mcs, name, bases, namespace))
        overrides_io = "save" in namespace or "load" in namespace
        if bases and overrides_io and "USES_ARTIFACT_STORE_IO" not in namespace:
            cls.USES_ARTIFACT_STORE_IO = False  # see the module docstring
        if not bases or namespace.get("SKIP_REGISTRATION", False):
            return cls
        associated = namespace.get("ASSOCIATED_TYPES", ())
        if not isinstance(associated, (tuple, list)):
            raise MaterializerInterfaceError(
                f"{name}.ASSOCIATED_TYPES must be a tuple of classes, e.g. (MyType,); got "
                f"{associated!r}."
            )
        for data_type in associated:
            if not isinstance(data_type, type):
                raise MaterializerInterfaceError(
                    f"{name}.ASSOCIATED_TYPES holds {data_type!r}, which is not a class."
                )
        artifact_type = namespace.get("ASSOCIATED_ARTIFACT_TYPE", ArtifactType.DATA)
        if artifact_type not in set(ArtifactType):
            raise MaterializerInterfaceError(
                f"{name}.ASSOCIATED_ARTIFACT_TYPE must be a stackwise.enums.ArtifactType, got "
                f"{artifact_type!r}."
            )
        from stackwise.materializers.materializer_registry import materializer_registry

        for data_type in associated:
            if data_type is not object:  # "anything": chosen explicitly, never by type
                materializer_registry.register_materializer_type(data_type, cls)
        return cls


class BaseMaterializer(metaclass=BaseMaterializerMeta):
    """Saves and loads one kind of value. Override `load` and `save`; the rest is optional."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.BASE
    SKIP_REGISTRATION: ClassVar[bool] = True
    FORMAT_VERSION: ClassVar[int] = 1  # bump when the on-disk layout changes
    # True: every read and write goes through `self.artifact_store`, so no local staging is
    # needed on remote stores. False (default): `self.uri` is used as a local path, and on a
    # remote store save/load run against a local temporary copy (see the module docstring).
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = False
    # True: the object `load()` returns keeps reading files under `self.uri` afterwards
    # (memory maps, lazy datasets). A staged download is then kept until that object is
    # garbage-collected instead of being removed as soon as `load()` returns.
    LOADS_LAZILY: ClassVar[bool] = False

    def __init__(self, uri: str, artifact_store: BaseArtifactStore | None = None) -> None:
        self.uri = uri
        self._artifact_store = artifact_store
        # when loading: the content hash recorded when the artifact was saved (None if none)
        self.expected_content_hash: str | None = None

    @property
    def artifact_store(self) -> BaseArtifactStore:
        if self._artifact_store is None:
            from stackwise.artifact_stores.local_artifact_store import (
                LocalArtifactStore,
                LocalArtifactStoreConfig,
            )

            self._artifact_store = LocalArtifactStore(
                id="", name="local", flavor="local", config=LocalArtifactStoreConfig()
            )
        return self._artifact_store

    # -- the contract ----------------------------------------------------------------
    def load(self, data_type: type[Any]) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement load().")

    def save(self, data: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not implement save().")

    def extract_metadata(self, data: Any) -> dict[str, MetadataType]:
        """Metadata recorded with the artifact version (shown as `.run_metadata`)."""
        return {}

    def compute_content_hash(self, data: Any) -> str | None:
        """A hash of the value where cheap; it lets caching see through re-created outputs."""
        return None

    def extract_full_metadata(self, data: Any) -> dict[str, MetadataType]:
        """`extract_metadata(data)` plus `storage_size`: the bytes the artifact's files take
        (run after `save`)."""
        metadata = dict(self.extract_metadata(data) or {})
        size = self._storage_size(self.uri)
        if size is not None:
            metadata.setdefault("storage_size", size)
        return metadata

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        """Write views of `data` for people (HTML, Markdown, CSV, JSON, PNG) into the
        artifact's folder; return `{uri: VisualizationType}`. Nothing by default."""
        return {}

    def get_item_count(self, data: Any) -> int | None:
        """How many items `load_item` can load from this artifact; None: not itemwise."""
        return None

    def load_item(self, data_type: type[Any], index: int) -> Any:
        """Item `index` of the saved value, for materializers that save sequences."""
        raise NotImplementedError(f"The {type(self).__name__} does not support loading items.")

    # -- which types ---------------------------------------------------------------------
    @classmethod
    def can_save_type(cls, data_type: type[Any]) -> bool:
        return any(_is_subclass(data_type, t) for t in cls.ASSOCIATED_TYPES)

    @classmethod
    def can_load_type(cls, data_type: type[Any]) -> bool:
        return any(_is_subclass(data_type, t) for t in cls.ASSOCIATED_TYPES)

    @classmethod
    def can_handle_type(cls, data_type: type[Any]) -> bool:
        return cls.can_save_type(data_type)

    def validate_save_type_compatibility(self, data_type: type[Any]) -> None:
        """Raise TypeError when this materializer cannot save values of `data_type`."""
        if not self.can_save_type(data_type):
            raise TypeError(
                f"{type(self).__name__} cannot save {_type_name(data_type)}: it saves "
                f"{_type_names(self.ASSOCIATED_TYPES)}. Choose another materializer with "
                "output_materializers=, or write one for this type."
            )

    def validate_load_type_compatibility(self, data_type: type[Any]) -> None:
        """Raise TypeError when this materializer cannot load values as `data_type`."""
        if not self.can_load_type(data_type):
            raise TypeError(
                f"{type(self).__name__} cannot load {_type_name(data_type)}: it loads "
                f"{_type_names(self.ASSOCIATED_TYPES)}. Annotate the step input with a type "
                "it loads."
            )

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        """Versions of the libraries this format depends on, recorded with each artifact."""
        return {}

    # -- helpers for subclasses ------------------------------------------------------
    def path(self, name: str) -> str:
        """The URI of file `name` inside this artifact's folder."""
        return self.artifact_store.join(self.uri, name)

    def open(self, name: str, mode: str = "r") -> IO[Any]:
        return self.artifact_store.open(self.path(name), mode)

    @contextmanager
    def local_copy(self) -> Iterator[str]:
        """A local folder with this artifact's files (for libraries that read only paths)."""
        with self.artifact_store.local_copy(self.uri) as folder:
            yield folder

    @contextmanager
    def get_temporary_directory(
        self, delete_at_exit: bool, delete_after_step_execution: bool = True
    ) -> Iterator[str]:
        """A fresh local folder. Removed when the block exits if `delete_at_exit`; otherwise
        it outlives the block (a loaded object may keep reading it) and is removed when this
        process exits (`delete_after_step_execution` is accepted for ZenML code: steps run in
        their own process on every orchestrator but `local`, where the folder lasts until the
        pipeline's process ends)."""
        folder = tempfile.mkdtemp(prefix="stackwise-materializer-")
        if not delete_at_exit:
            atexit.register(shutil.rmtree, folder, True)
        try:
            yield folder
        finally:
            if delete_at_exit:
                shutil.rmtree(folder, ignore_errors=True)

    def _storage_size(self, uri: str) -> int | None:
        """Bytes under `uri` in the artifact store (None when the store cannot tell)."""
        store = self.artifact_store
        try:
            if not store.exists(uri):
                return 0
            if not store.isdir(uri):
                return store.size(uri)
            return sum(
                self._storage_size(store.join(uri, name)) or 0 for name in store.listdir(uri)
            )
        except (OSError, NotImplementedError):
            return None

    @contextmanager
    def local_staging(self) -> Iterator[str]:
        """A local folder to write into; uploaded to the store when the block succeeds."""
        with self.artifact_store.local_staging(self.uri) as folder:
            yield folder


def _is_subclass(data_type: Any, base: type[Any]) -> bool:
    return isinstance(data_type, type) and issubclass(data_type, base)


def _type_name(data_type: Any) -> str:
    return getattr(data_type, "__qualname__", repr(data_type))


def _type_names(types: tuple[type, ...]) -> str:
    return ", ".join(_type_name(t) for t in types) or "no types"


def qualified_name(obj: type[Any]) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"
