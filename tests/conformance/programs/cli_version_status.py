"""`zenml --version`, `zenml --help` and `zenml status` exit 0 and show the version, the command
groups and the active stack."""

import zenml
from _cli import cli

version = cli("--version")
assert zenml.__version__ in version.all
assert "version" in version.all.lower()

helped = cli("--help")
for group in ("stack", "pipeline", "artifact", "tag", "artifact-store", "secret"):
    assert group in helped.all, group

status = cli("status")
assert "default" in status.all  # the active stack
assert "stack" in status.all.lower()

unknown = cli("no-such-command", ok=False)
assert unknown.returncode == 2  # a usage error
print("ok")
