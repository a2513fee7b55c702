"""create_secret/get_secret (.secret_values plain, .values SecretStr)/list_secrets/update_secret
(add_or_update_values, remove_values, new_name)/delete_secret."""

from pydantic import SecretStr
from zenml.client import Client
from zenml.exceptions import EntityExistsError

client = Client()
s = client.create_secret("db_creds", values={"user": "alice", "password": "pw1"})
assert s.name == "db_creds"
assert s.secret_values == {"user": "alice", "password": "pw1"}
assert isinstance(s.values["password"], SecretStr)
assert s.values["password"].get_secret_value() == "pw1"
assert "pw1" not in str(s.values)  # masked when printed

got = client.get_secret("db_creds")
assert got.id == s.id and got.secret_values["user"] == "alice"
assert client.get_secret(s.id).name == "db_creds"
assert client.get_secret("db_c").name == "db_creds"  # a unique name prefix works

try:
    client.create_secret("db_creds", values={"a": "b"})
except Exception as e:
    assert isinstance(e, EntityExistsError) and "db_creds" in str(e)
else:
    raise AssertionError("a duplicate secret name is an error")

client.create_secret("api", values={"token": "t"})
listed = client.list_secrets()
assert listed.total == 2 and sorted(x.name for x in listed) == ["api", "db_creds"]
assert [x.name for x in client.list_secrets(name="api")] == ["api"]

updated = client.update_secret("db_creds", add_or_update_values={"password": "pw2", "host": "h"},
                               remove_values=["user"])
assert updated.secret_values == {"password": "pw2", "host": "h"}
assert client.get_secret("db_creds").secret_values == {"password": "pw2", "host": "h"}

client.update_secret("db_creds", new_name="database")
assert client.get_secret("database").secret_values["host"] == "h"
try:
    client.get_secret("db_creds")
except KeyError:
    pass
else:
    raise AssertionError("the old secret name is gone")

client.delete_secret("database")
assert [x.name for x in client.list_secrets()] == ["api"]
try:
    client.delete_secret("database")
except KeyError as e:
    assert "database" in str(e)
else:
    raise AssertionError("deleting an unknown secret is a KeyError")
print("ok")
