"""Where state lives, and which stack is active.

`STACKWISE_HOME` (default `~/.stackwise`) holds `config.yaml`, the SQLite metadata store and the
default local artifact store. A project folder made by `stackwise init` holds `.stackwise/` with
its own `config.yaml`. The active stack is chosen by, in order: the `STACKWISE_STACK` env var, the
project's config, the user's global config, and finally the built-in `default` stack.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR_NAME = ".stackwise"
CONFIG_FILE_NAME = "config.yaml"
DEFAULT_STACK_NAME = "default"


def stackwise_home() -> Path:
    home = os.environ.get("STACKWISE_HOME")
    return Path(home).expanduser().resolve() if home else Path.home() / ".stackwise"


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: cwd) that holds `.stackwise/`."""
    here = (start or Path.cwd()).resolve()
    home = stackwise_home()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_DIR_NAME
        # The home dir itself may be called .stackwise: it is not a project.
        if candidate.is_dir() and candidate.resolve() != home:
            return folder
    return None


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import yaml

    with path.open() as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        from stackwise.exceptions import ConfigError

        raise ConfigError(f"{path} must hold a YAML mapping, found {type(data).__name__}.")
    return data


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # 0600: the config may hold an API key or a session token (`stackwise login`)
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(yaml.safe_dump(data, sort_keys=True))
    tmp.replace(path)  # atomic: a crash never leaves half a config behind


@dataclass(frozen=True)
class ActiveStackChoice:
    """The active stack's name and where that choice came from (for `stackwise stack get`)."""

    name: str
    source: str


class GlobalConfig:
    """Reads and writes the global and project config files. Cheap: no heavy imports."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or stackwise_home()

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_FILE_NAME

    @property
    def store_url(self) -> str:
        env = os.environ.get("STACKWISE_STORE_URL")
        if env:
            return env
        configured = _read_yaml(self.config_path).get("store_url")
        return str(configured) if configured else f"sqlite:///{self.home / 'stackwise.db'}"

    def store_credentials(self) -> dict[str, str | None]:
        """How to authenticate to a server store: STACKWISE_STORE_API_KEY (else the key
        `stackwise login --api-key` saved), or STACKWISE_STORE_USERNAME and _PASSWORD, or
        the session token `stackwise login --username` saved."""
        data = _read_yaml(self.config_path)
        saved, token = data.get("store_api_key"), data.get("store_token")
        username = os.environ.get("STACKWISE_STORE_USERNAME")
        api_key = os.environ.get("STACKWISE_STORE_API_KEY")
        return {
            "api_key": api_key or (str(saved) if saved and not username else None),
            "username": username,
            "password": os.environ.get("STACKWISE_STORE_PASSWORD"),
            "token": str(token) if token and not (api_key or username) else None,
        }

    def set_login(
        self, url: str | None, api_key: str | None = None, token: str | None = None
    ) -> None:
        """Point this client at a server (`stackwise login`) with an API key or a session
        token, or back at the local SQLite store (None: `stackwise logout`)."""
        data = _read_yaml(self.config_path)
        for key in ("store_url", "store_api_key", "store_token"):
            data.pop(key, None)
        if url:
            data["store_url"] = url
            if api_key:
                data["store_api_key"] = api_key
            if token:
                data["store_token"] = token
        _write_yaml(self.config_path, data)

    @property
    def default_artifact_path(self) -> Path:
        return self.home / "artifacts"

    def active_stack(self) -> ActiveStackChoice:
        env = os.environ.get("STACKWISE_STACK")
        if env:
            return ActiveStackChoice(env, "environment variable STACKWISE_STACK")
        project = find_project_root()
        if project is not None:
            name = _read_yaml(project / PROJECT_DIR_NAME / CONFIG_FILE_NAME).get("active_stack")
            if name:
                return ActiveStackChoice(str(name), f"project config {project / PROJECT_DIR_NAME}")
        name = _read_yaml(self.config_path).get("active_stack")
        if name:
            return ActiveStackChoice(str(name), f"global config {self.config_path}")
        return ActiveStackChoice(DEFAULT_STACK_NAME, "built-in default")

    def set_active_stack(self, name: str) -> Path:
        """Persist the choice in the project config if inside a project, else globally."""
        project = find_project_root()
        path = project / PROJECT_DIR_NAME / CONFIG_FILE_NAME if project else self.config_path
        data = _read_yaml(path)
        data["active_stack"] = name
        _write_yaml(path, data)
        return path

    def custom_flavor_paths(self) -> list[str]:
        """Import paths of flavors the user registered (`stackwise <type> flavor register`)."""
        return [str(p) for p in _read_yaml(self.config_path).get("custom_flavors", [])]

    def add_custom_flavor_path(self, path: str) -> None:
        data = _read_yaml(self.config_path)
        paths = list(data.get("custom_flavors", []))
        if path not in paths:
            data["custom_flavors"] = [*paths, path]
            _write_yaml(self.config_path, data)

    def remove_custom_flavor_path(self, path: str) -> None:
        data = _read_yaml(self.config_path)
        paths = [p for p in data.get("custom_flavors", []) if p != path]
        data["custom_flavors"] = paths
        _write_yaml(self.config_path, data)

    def init_project(self, folder: Path) -> Path:
        path = folder / PROJECT_DIR_NAME / CONFIG_FILE_NAME
        if not path.exists():
            _write_yaml(path, {})
        return path.parent
