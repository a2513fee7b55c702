"""`secrets=[name]`: the secret's keys are environment variables while the step runs."""

import os

from zenml import pipeline, step
from zenml.client import Client

Client().create_secret("db_creds", values={"db_user": "alice", "db_password": "s3cr3t"})


@step(secrets=["db_creds"])
def connect() -> str:
    return f"{os.environ['db_user']}:{len(os.environ['db_password'])}"


@pipeline(enable_cache=False)
def uses_secret():
    connect()


run = uses_secret()
assert run.steps["connect"].output.load() == "alice:6"
assert "db_user" not in os.environ and "db_password" not in os.environ
assert "s3cr3t" not in str(run.steps["connect"].config)
assert len(run.steps["connect"].config.secrets) == 1
print("ok")
