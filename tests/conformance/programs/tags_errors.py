"""Tag objects and the errors of add_tags / remove_tags: no target outside a step, several
targets, an incomplete artifact target, cascade outside @pipeline, unknown names."""

from pydantic import ValidationError
from zenml import Tag, add_tags, remove_tags, save_artifact
from zenml.enums import ColorVariants

tag = Tag(name="n")
assert (tag.name, tag.color, tag.exclusive, tag.cascade) == ("n", None, None, None)
assert Tag(name="n", color="red").color == ColorVariants.RED
assert Tag(name="n") == Tag(name="n")
request = Tag(name="n", color="red", exclusive=True).to_request()
assert (request.name, request.exclusive, request.color) == ("n", True, ColorVariants.RED)
plain = Tag(name="n").to_request()
assert plain.exclusive is False and isinstance(plain.color, ColorVariants)
try:
    Tag(name="n", color="no-such-colour")
except ValidationError:
    pass
else:
    raise AssertionError("an unknown colour is refused")

save_artifact(1, "target")


def value_error(call):
    try:
        call()
    except ValueError:
        return True
    return False


assert value_error(lambda: add_tags(["x"]))
assert value_error(lambda: remove_tags(["x"]))
assert value_error(lambda: add_tags(["x"], infer_artifact=True))
assert value_error(lambda: add_tags(["x"], artifact_name="target"))
assert value_error(lambda: add_tags(["x"], artifact="target", pipeline="p"))
assert value_error(lambda: add_tags([Tag(name="c", cascade=True)], artifact="target"))
try:
    add_tags(["x"], run="no-such-run")
except KeyError:
    pass
else:
    raise AssertionError("an unknown run is a KeyError")
try:
    add_tags(["x"], artifact="no-such-artifact")
except KeyError:
    pass
else:
    raise AssertionError("an unknown artifact is a KeyError")
print("ok")
