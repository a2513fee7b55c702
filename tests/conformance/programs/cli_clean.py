"""`clean -y` deletes the local store, stacks and config; the next command starts fresh with only
the default stack."""

import subprocess

from _cli import cli

cli("artifact-store", "register", "blobs", "--flavor=local", "--path=/tmp/conformance-clean")
cli("stack", "register", "s", "-a", "blobs", "-o", "default")
cli("clean", "-y")
# a fresh process, as a user's next command would be
listed = subprocess.run(["python", "-c", "from zenml.client import Client; "
                         "print(sorted(s.name for s in Client().list_stacks()))"],
                        capture_output=True, text=True, timeout=120)
assert listed.returncode == 0, listed.stderr
assert listed.stdout.strip().splitlines()[-1] == "['default']", listed.stdout
print("ok")
