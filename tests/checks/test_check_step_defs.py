"""Which functions count as steps: every spelling of stackwise's (or ZenML's) `step`, and not a
`step` of the file's own or another library's."""

from __future__ import annotations

import pytest

UNANNOTATED_BODY = """
{imports}

{decorator}
def train():
    return 1
"""


@pytest.mark.parametrize(
    ("imports", "decorator"),
    [
        ("from stackwise import step", "@step"),
        ("from stackwise import step", "@step(enable_cache=False)"),
        ("import stackwise", "@stackwise.step"),
        ("import stackwise as sw", "@sw.step(name='t')"),
        ("from stackwise import step as s", "@s"),
        ("from stackwise.steps import step as make", "@make()"),
        ("from zenml import step", "@step"),
        ("import zenml", "@zenml.step"),
        ("from stackwise import *", "@step"),
        ("# nothing imported", "@step"),
    ],
)
def test_spellings_of_the_step_decorator(found, imports: str, decorator: str) -> None:
    assert found(UNANNOTATED_BODY.format(imports=imports, decorator=decorator)) == [("SW003", 4)]


@pytest.mark.parametrize(
    ("imports", "decorator"),
    [
        ("from prefect import task as step", "@step"),
        ("from mylib import step", "@step"),
        ("def step(f):\n    return f", "@step"),
        ("import stackwise", "@stackwise.pipeline"),
        ("from stackwise import pipeline", "@pipeline"),
        ("import other as stackwise", "@stackwise.step"),
        ("from .steps import step", "@step"),
    ],
    ids=lambda v: v.splitlines()[0],
)
def test_other_decorators_are_not_steps(found, imports: str, decorator: str) -> None:
    assert found(UNANNOTATED_BODY.format(imports=imports, decorator=decorator)) == []


def test_async_steps_and_methods_are_checked(found) -> None:
    assert found("""
        from stackwise import step

        @step
        async def fetch():
            return 1

        class Steps:
            @step
            def method(self):
                return 2
        """) == [("SW003", 4), ("SW003", 9)]


def test_stacked_decorators_and_a_step_nested_in_a_step(check) -> None:
    findings = check("""
        import functools
        import boto3
        from stackwise import step

        @functools.lru_cache
        @step
        def outer():
            @step
            def inner():
                boto3.client("s3")
                return 1
            return inner
        """)
    assert [(f.code, f.line, f.message.split(" ")[1]) for f in findings] == [
        ("SW003", 7, "'outer'"),
        ("SW003", 9, "'inner'"),
        ("SW001", 10, "'inner'"),
    ]
