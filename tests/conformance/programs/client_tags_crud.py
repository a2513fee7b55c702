"""create_tag/get_tag/list_tags/update_tag/delete_tag; defaults; duplicates; KeyError when gone."""

from zenml.client import Client
from zenml.enums import ColorVariants
from zenml.exceptions import EntityExistsError

client = Client()
plain = client.create_tag(name="plain")
assert plain.name == "plain" and plain.exclusive is False
assert isinstance(plain.color, ColorVariants)  # a colour is picked when none is given

red = client.create_tag(name="hot", exclusive=True, color="red")
assert red.exclusive is True and red.color == ColorVariants.RED and red.color == "red"
assert client.get_tag("hot").exclusive is True
assert client.get_tag(red.id).name == "hot"

try:
    client.create_tag(name="plain")
except Exception as e:
    assert isinstance(e, EntityExistsError) and "plain" in str(e)
else:
    raise AssertionError("a duplicate tag name is an error")

listed = client.list_tags()
assert listed.total == 2
assert sorted(t.name for t in listed) == ["hot", "plain"]
assert [t.name for t in client.list_tags(name="contains:la")] == ["plain"]
assert [t.name for t in client.list_tags(exclusive=True)] == ["hot"]

changed = client.update_tag("plain", name="calm", color=ColorVariants.BLUE)
assert changed.name == "calm" and changed.color == "blue" and changed.id == plain.id
assert client.update_tag("hot", exclusive=False).exclusive is False
try:
    client.get_tag("plain")
except KeyError:
    pass
else:
    raise AssertionError("the old name is gone after a rename")

client.delete_tag("calm")
assert [t.name for t in client.list_tags()] == ["hot"]
try:
    client.delete_tag("calm")
except KeyError:
    pass
else:
    raise AssertionError("deleting an unknown tag is a KeyError")
print("ok")
