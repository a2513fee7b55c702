"""What `stackwise stack verify` says about a Google Cloud component without waiting on
Google's SDKs: are there credentials the SDKs would find (a key file, GOOGLE_APPLICATION_
CREDENTIALS, gcloud's application-default login, the metadata server of a Google Cloud
machine), and does anything answer at the service's endpoint. The SDKs themselves look for
the metadata server until it times out, and retry for minutes."""

from __future__ import annotations

import os
from pathlib import Path

from stackwise.exceptions import StackwiseError

NO_CREDENTIALS = (
    "no Google credentials found "
    "(GOOGLE_APPLICATION_CREDENTIALS / gcloud auth application-default login)"
)
METADATA_URL = "http://metadata.google.internal"


def credentials_problem(key_file: str | None = None) -> str | None:
    """Why Google's SDKs would find no credentials on this machine, or None when they would.
    `key_file`: the component's own service-account key, which wins when set."""
    if key_file:
        return None if Path(key_file).expanduser().is_file() else f"{key_file} is no key file"
    named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if named:
        if Path(named).expanduser().is_file():
            return None
        return f"GOOGLE_APPLICATION_CREDENTIALS={named} names no file"
    if _gcloud_credentials().is_file():
        return None
    from stackwise.utils.network import unreachable_reason

    if unreachable_reason(METADATA_URL, timeout=1.0) is None:  # a Google Cloud machine
        return None
    return NO_CREDENTIALS


def _gcloud_credentials() -> Path:
    """Where `gcloud auth application-default login` writes its credentials."""
    folder = os.environ.get("CLOUDSDK_CONFIG")
    if folder:
        return Path(folder) / "application_default_credentials.json"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", "")) / "gcloud/application_default_credentials.json"
    return Path.home() / ".config/gcloud/application_default_credentials.json"


def require_vertex(project: str | None, location: str, key_file: str | None) -> None:
    """Raise, naming the project, the region's endpoint and what failed, unless there are
    credentials and the Vertex AI endpoint of `location` answers."""
    from stackwise.stack.verify import probe_timeout
    from stackwise.utils.network import unreachable_reason

    endpoint = f"https://{location}-aiplatform.googleapis.com"
    problems = [p for p in (credentials_problem(key_file),) if p]
    down = unreachable_reason(endpoint, timeout=probe_timeout() or 5.0)
    if down:
        problems.append(f"{endpoint} gets no answer ({down})")
    if problems:
        target = f"project '{project}'" if project else "the credentials' project"
        raise StackwiseError(
            f"Cannot reach Vertex AI ({target}, location {location}): {'; '.join(problems)}. "
            "Log in with `gcloud auth application-default login` (or set "
            "GOOGLE_APPLICATION_CREDENTIALS / service_account_path to a service-account key) "
            "on a machine that reaches Google Cloud."
        )
