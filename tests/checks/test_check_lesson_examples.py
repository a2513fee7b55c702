"""The lesson's "Common Mistakes" examples, verbatim (zenml -> stackwise, indentation
restored): each WRONG one gives exactly its finding, each CORRECT one none. The snippets import
nothing, so a bare `@step` must count as stackwise's."""

from __future__ import annotations

WRONG_CLOUD = """
# WRONG - not portable
@step
def save_model(model):
    import boto3
    boto3.client("s3").put_object(Bucket="my-bucket", Key="model.pkl", Body=...)
"""

CORRECT_CLOUD = """
# CORRECT - use stackwise's artifact store interface
@step
def train_and_save(X_train, y_train) -> ClassifierMixin:
    model = RandomForestClassifier().fit(X_train, y_train)
    return model # stackwise saves to active artifact store automatically
"""

WRONG_ANNOTATION = """
# WRONG - no type annotation - artifact is not tracked
@step
def train_model(X_train, y_train):
    return RandomForestClassifier().fit(X_train, y_train)
"""

CORRECT_ANNOTATION = """
# CORRECT
from sklearn.base import ClassifierMixin
from typing import Annotated

@step
def train_model(X_train, y_train) -> Annotated[ClassifierMixin, "trained_model"]:
    return RandomForestClassifier().fit(X_train, y_train)
"""

TRACKER = """
from stackwise import step

@step(experiment_tracker="mlflow_tracker")
def train_model(X_train, y_train) -> int:
    return 1
"""


def test_cloud_sdk_in_a_step_is_reported_once_at_the_import(check) -> None:
    [finding] = check(WRONG_CLOUD)
    assert (finding.code, finding.line, finding.col) == ("SW001", 4, 5)
    assert finding.message.startswith("step 'save_model' imports boto3 (AWS SDK): ")
    assert "Return the value and let the active stack's artifact store save it" in (finding.message)
    assert finding.format().startswith(f"{finding.path}:4:5: SW001 step 'save_model'")


def test_returning_the_model_is_clean(found) -> None:
    assert found(CORRECT_CLOUD) == []


def test_unannotated_step_output_is_reported_at_the_def(check) -> None:
    [finding] = check(WRONG_ANNOTATION)
    assert (finding.code, finding.line, finding.col) == ("SW003", 3, 1)
    assert "saved under 'output', unnamed and untyped" in finding.message
    assert '-> Annotated[T, "name"]' in finding.message


def test_annotated_step_output_is_clean(found) -> None:
    assert found(CORRECT_ANNOTATION) == []


def test_tracker_no_stack_provides_is_reported_at_its_name(check) -> None:
    [finding] = check(TRACKER, registered_trackers=set())
    assert (finding.code, finding.line, finding.col) == ("SW004", 3, 26)
    assert check(TRACKER, registered_trackers={"mlflow_tracker"}) == []
    assert check(TRACKER) == []  # no store answer: SW004 not run
