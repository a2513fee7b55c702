"""Client user methods on a local store: create, get (name, id), list with filters, update,
deactivate, delete; the active user."""

from zenml.client import Client
from zenml.exceptions import EntityExistsError

client = Client()
assert client.active_user.name == "default"

alice = client.create_user("alice", password="alice-password-1")
assert alice.name == "alice" and alice.active and not alice.is_admin
assert not alice.is_service_account
boss = client.create_user("boss", password="boss-password-1", is_admin=True)
assert boss.is_admin
try:
    client.create_user("alice", password="another-password")
except EntityExistsError:
    pass
else:
    raise AssertionError("a second 'alice' was created")

assert client.get_user("alice").id == alice.id
assert client.get_user(alice.id).name == "alice"
assert [u.name for u in client.list_users(name="alice")] == ["alice"]
assert {"alice", "boss"} <= {u.name for u in client.list_users(size=50)}
assert "alice" in [u.name for u in client.list_users(name="contains:lic")]

changed = client.update_user("alice", updated_full_name="Alice Liddell")
assert changed.full_name == "Alice Liddell"
renamed = client.update_user("alice", updated_name="alice2")
assert renamed.id == alice.id and client.get_user(alice.id).name == "alice2"

client.delete_user("alice2")
try:
    client.get_user("alice2", allow_name_prefix_match=False)
except KeyError:
    pass
else:
    raise AssertionError("the deleted user is still there")
print("ok")
