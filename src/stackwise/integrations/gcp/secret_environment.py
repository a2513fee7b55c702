"""Start a command with environment variables read from Secret Manager: how a Vertex AI job
gets the store's credentials without them appearing in its spec.

    python -m stackwise.integrations.gcp.secret_environment SECRET_VERSION -- COMMAND...

SECRET_VERSION (`projects/P/secrets/S/versions/V`) holds a JSON object of variables; the
job's service account needs `roles/secretmanager.secretAccessor` on it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

MODULE = "stackwise.integrations.gcp.secret_environment"


def wrapped_command(secret_version: str, command: Sequence[str]) -> list[str]:
    """`command`, started with the variables of `secret_version` set."""
    return ["python", "-m", MODULE, secret_version, "--", *command]


def secret_variables(secret_version: str) -> dict[str, str]:
    """The JSON object stored in `secret_version`, as environment variables."""
    from google.cloud import secretmanager

    client = secretmanager.SecretManagerServiceClient()
    payload = client.access_secret_version(name=secret_version).payload.data
    values = json.loads(payload.decode("utf-8"))
    if not isinstance(values, dict):
        raise ValueError(f"secret {secret_version} must hold a JSON object of variables")
    return {str(k): str(v) for k, v in values.items()}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[1] != "--":
        print(f"usage: python -m {MODULE} SECRET_VERSION -- COMMAND...", file=sys.stderr)
        return 2
    secret_version, command = args[0], args[2:]
    os.environ.update(secret_variables(secret_version))
    os.execvp(command[0], command)  # noqa: S606 - the job's own command line


if __name__ == "__main__":
    sys.exit(main())
