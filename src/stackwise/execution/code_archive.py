"""The user's code, delivered to a step that runs on another machine without rebuilding an
image: the pipeline's source root is archived (a tar.gz whose bytes depend only on the files:
sorted names, mtime 0, no owner), uploaded to the artifact store under its content hash (the
same code is one object, uploaded once), and its URI recorded with the run; the step process
downloads it, extracts it to a temp dir and puts that on `sys.path` before it runs the step.

The source root is the folder a pipeline's module is imported from (`sys.path` entry), or the
folder of a script run as `__main__`. Files matching the root's `.dockerignore` (else its
`.gitignore`), `DockerSettings.dockerignore` and the built-in list below are left out. Sources
recorded as a script's absolute path (`/abs/run.py:fn`) become relative to the root
(`run.py:fn`), which `load_source` finds on `sys.path`.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import importlib
import io
import os
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore

CODE_URI_KEY = "code_uri"  # where a run's config records its code archive
CODE_ROOT_KEY = "code_root"  # the source root it was made from (for people reading the run)
ARCHIVE_FOLDER = "code_uploads"
MAX_MB_VARIABLE = "STACKWISE_CODE_ARCHIVE_MAX_MB"
DEFAULT_MAX_MB = 50.0
# never part of the code: version control, caches, virtual environments
ALWAYS_IGNORED = (
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "*.pyc",
    ".venv",
    "venv",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".DS_Store",
)


def code_root(pipeline_source: str) -> Path:
    """The folder the pipeline's code is imported from: a script's folder, or the `sys.path`
    entry of its top-level package."""
    location = pipeline_source.rpartition(":")[0]
    if location.endswith(".py"):
        return Path(location).resolve().parent
    module = sys.modules.get(location) or importlib.import_module(location)
    file = getattr(module, "__file__", None)
    if file is None:
        raise ConfigError(
            f"The pipeline's module '{location}' has no file, so its code cannot be archived "
            "for a remote run. Define the pipeline in a .py file."
        )
    path = Path(file).resolve()
    depth = location.count(".") + (2 if path.name == "__init__.py" else 1)
    return path.parents[depth - 1]


def is_installed(root: Path) -> bool:
    """True when `root` is an environment's package folder (site-packages): the pipeline's
    code is an installed package, which the step's image must have installed too, so there is
    no code to upload."""
    import sysconfig

    folders = {Path(p).resolve() for p in sysconfig.get_paths().values() if p}
    folders |= {Path(p).resolve() for p in sys.path if p.endswith("-packages")}
    return root.resolve() in folders


def ignore_patterns(root: Path, dockerignore: str | None = None) -> list[str]:
    """The built-in list, the root's `.dockerignore` (else `.gitignore`), and the file named
    by `DockerSettings.dockerignore`."""
    patterns = list(ALWAYS_IGNORED)
    files = [root / ".dockerignore"] if (root / ".dockerignore").exists() else [root / ".gitignore"]
    if dockerignore:
        given = Path(dockerignore)
        if not given.is_file():
            raise ConfigError(
                f"DockerSettings(dockerignore='{dockerignore}') names no file. Give the path of "
                "an ignore file (one pattern a line), or leave it unset to use the code root's "
                ".dockerignore."
            )
        files.append(given)
    for file in files:
        if file.is_file():
            patterns += [
                line.strip()
                for line in file.read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
    return patterns


def is_ignored(relative: str, patterns: Iterable[str]) -> bool:
    """`relative` (posix) matches a pattern: by whole path, by any of its leading folders, or
    by its name; a `!pattern` includes again what an earlier one left out."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))] + parts
    ignored = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip("/").removeprefix("./").removeprefix("**/")
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            ignored = not negate
    return ignored


def code_files(root: Path, patterns: list[str]) -> Iterator[tuple[str, Path]]:
    """(relative posix name, path) of every file to archive, sorted by name."""
    found = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        rel_base = base.relative_to(root).as_posix()
        prefix = "" if rel_base == "." else rel_base + "/"
        dirs[:] = [d for d in dirs if not is_ignored(prefix + d, patterns)]
        for name in files:
            relative = prefix + name
            if not is_ignored(relative, patterns) and (base / name).is_file():
                found.append((relative, base / name))
    return iter(sorted(found))


def max_archive_bytes() -> int:
    raw = os.environ.get(MAX_MB_VARIABLE)
    try:
        return int(float(raw) * 1024 * 1024) if raw else int(DEFAULT_MAX_MB * 1024 * 1024)
    except ValueError:
        raise ConfigError(f"{MAX_MB_VARIABLE}={raw!r} is not a number of megabytes.") from None


def archive_code(root: Path, patterns: list[str]) -> bytes:
    """The tar.gz of the code under `root`: the same files give the same bytes. ConfigError
    when it is over the size limit, naming the largest files."""
    limit = max_archive_bytes()
    files = list(code_files(root, patterns))
    total = sum(path.stat().st_size for _, path in files)
    if total > limit:
        largest = sorted(files, key=lambda f: f[1].stat().st_size, reverse=True)[:5]
        names = ", ".join(f"{n} ({p.stat().st_size / 1e6:.1f} MB)" for n, p in largest)
        raise ConfigError(
            f"The code under {root} is {total / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB "
            f"a run uploads to the artifact store (largest: {names}). Leave data, models and "
            f"environments out with {root / '.dockerignore'} (one pattern a line), or raise "
            f"the limit with {MAX_MB_VARIABLE}."
        )
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, path in files:
                info = tarfile.TarInfo(name)
                info.size = path.stat().st_size
                info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
                info.mtime = 0
                with path.open("rb") as data:
                    tar.addfile(info, data)
    return buffer.getvalue()


def upload_code(data: bytes, artifact_store: BaseArtifactStore) -> str:
    """The archive's URI in the artifact store, named by its hash; uploaded only when absent."""
    digest = hashlib.sha256(data).hexdigest()
    folder = artifact_store.join(artifact_store.path, ARCHIVE_FOLDER)
    uri = artifact_store.join(folder, f"{digest}.tar.gz")
    if not artifact_store.exists(uri):
        artifact_store.makedirs(folder)
        with artifact_store.open(uri, "wb") as file:
            file.write(data)
    return uri


def extract_code(uri: str, artifact_store: BaseArtifactStore) -> Path:
    """Download and extract the archive at `uri` into a new temp dir, put that first on
    `sys.path`, and return it."""
    with artifact_store.open(uri, "rb") as file:
        data = file.read()
    target = Path(tempfile.mkdtemp(prefix="stackwise-code-"))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+: no paths outside
            tar.extractall(target, filter="data")
        else:  # pragma: no cover - older Pythons; our own archive, written by archive_code
            tar.extractall(target)  # noqa: S202
    sys.path.insert(0, str(target))
    return target


def relative_sources(value: Any, root: Path) -> Any:
    """`value` (a spec or config as plain data) with every source of a script under `root`
    (`/root/x/run.py:fn`) made relative to it (`x/run.py:fn`)."""
    prefix = str(root) + os.sep
    if isinstance(value, str):
        location, colon, qualname = value.rpartition(":")
        if colon and location.endswith(".py") and location.startswith(prefix):
            return f"{Path(location).relative_to(root).as_posix()}:{qualname}"
        return value
    if isinstance(value, dict):
        return {k: relative_sources(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [relative_sources(v, root) for v in value]
    return value
