"""Client service accounts and API keys on a local store: create, get, list, update, delete;
an API key is shown at creation and rotation only; rotate, deactivate, delete."""

from zenml.client import Client

client = Client()
ci = client.create_service_account("ci", description="the CI runner")
assert ci.name == "ci" and ci.description == "the CI runner" and ci.active
assert client.get_service_account("ci").id == ci.id
assert [a.name for a in client.list_service_accounts(name="ci")] == ["ci"]
assert "ci" not in [u.name for u in client.list_users(size=50)]  # not a user listing

key = client.create_api_key("ci", "deploy", description="deploys from CI")
assert key.name == "deploy" and key.active and key.key
assert key.description == "deploys from CI"
fetched = client.get_api_key("ci", "deploy")
assert fetched.id == key.id and fetched.key is None  # shown once, at creation
assert [k.name for k in client.list_api_keys("ci")] == ["deploy"]

rotated = client.rotate_api_key("ci", "deploy", retain_period_minutes=5)
assert rotated.key and rotated.key != key.key and rotated.id == key.id
assert rotated.last_rotated is not None

off = client.update_api_key("ci", "deploy", active=False)
assert off.active is False
renamed = client.update_api_key("ci", "deploy", name="release")
assert renamed.name == "release"
client.delete_api_key("ci", "release")
assert client.list_api_keys("ci").total == 0

updated = client.update_service_account("ci", description="nightly CI", active=False)
assert updated.description == "nightly CI" and updated.active is False
client.delete_service_account("ci")
try:
    client.get_service_account("ci", allow_name_prefix_match=False)
except KeyError:
    pass
else:
    raise AssertionError("the deleted service account is still there")
print("ok")
