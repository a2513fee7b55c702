"""SW001: cloud SDK imports and calls inside steps, through every way of naming them, and the
code around steps that must stay quiet."""

from __future__ import annotations

import pytest


def test_calls_through_module_level_imports(found) -> None:
    assert found("""
        import boto3
        import boto3 as b3
        import google.cloud.storage as gcs
        from google.cloud import storage
        from azure.storage.blob import BlobServiceClient
        from stackwise import step

        @step
        def upload(data: bytes) -> None:
            boto3.client("s3").put_object(Bucket="b", Key="k", Body=data)
            b3.resource("s3")
            gcs.Client()
            storage.Client().bucket("b")
            BlobServiceClient.from_connection_string("...")
            len(data)
        """) == [("SW001", 10), ("SW001", 11), ("SW001", 12), ("SW001", 13), ("SW001", 14)]


def test_message_names_the_call_and_the_provider(check) -> None:
    [finding] = check("""
        from google.cloud import storage
        from stackwise import step

        @step
        def upload() -> None:
            storage.Client()
        """)
    assert finding.message.startswith(
        "step 'upload' calls google.cloud.storage.Client() (Google Cloud SDK): the step then "
        "runs only where that cloud is reachable"
    )
    assert finding.col == 5


def test_imports_inside_the_step_are_reported_once_not_at_each_call(found) -> None:
    assert found("""
        from stackwise import step

        @step
        def upload() -> None:
            from google.cloud import storage
            import azure.identity, json
            client = storage.Client()
            client.bucket("b").blob("k").upload_from_string("x")
            storage.Client()
        """) == [("SW001", 5), ("SW001", 6)]


@pytest.mark.parametrize(
    "statement",
    [
        "import boto3",
        "import botocore.session",
        "from boto3.s3.transfer import S3Transfer",
        "from google import cloud",
        "import google.cloud.bigquery",
        "from azure.storage import blob",
        "import s3fs",
        "import gcsfs",
        "import adlfs",
        "import importlib; importlib.import_module('boto3')",
    ],
)
def test_each_cloud_package_is_recognised(found, statement: str) -> None:
    assert found(f"""
        from stackwise import step

        @step
        def s() -> None:
            {statement}
        """) == [("SW001", 5)]


@pytest.mark.parametrize(
    "statement",
    [
        "import google.protobuf",
        "import azure_helpers",
        "import boto3_stubs_like",
        "import json",
        "from . import boto3",
        "import googlecloud",
    ],
)
def test_lookalike_packages_are_not(found, statement: str) -> None:
    assert (
        found(f"""
        from stackwise import step

        @step
        def s() -> None:
            {statement}
        """)
        == []
    )


def test_code_outside_steps_may_use_cloud_sdks(found) -> None:
    assert (
        found("""
        import boto3
        from stackwise import step

        S3 = boto3.client("s3")

        def upload_report(body: bytes) -> None:
            import google.cloud.storage
            boto3.client("s3").put_object(Bucket="b", Key="k", Body=body)

        class Uploader:
            def send(self) -> None:
                boto3.resource("s3")

        @step
        def clean() -> int:
            return 1
        """)
        == []
    )


def test_a_nested_function_inside_a_step_still_runs_in_the_step(found) -> None:
    assert found("""
        import boto3
        from stackwise import step

        @step
        def upload(rows: list) -> None:
            def push(row):
                boto3.client("s3").put_object(Bucket="b", Key=row, Body=b"")
            for row in rows:
                push(row)
            list(map(lambda r: boto3.resource("s3"), rows))
        """) == [("SW001", 7), ("SW001", 10)]


def test_a_step_defined_inside_a_factory_function_is_checked(found) -> None:
    assert found("""
        def make_step(bucket: str):
            from stackwise import step as s
            import boto3

            @s
            def upload() -> None:
                boto3.client("s3")

            return upload
        """) == [("SW001", 7)]


def test_local_names_shadow_the_module_import(found) -> None:
    assert (
        found("""
        from google.cloud import storage
        from stackwise import step

        @step
        def save(storage) -> None:
            storage.Client()

        @step
        def save_again() -> None:
            storage = make_portable_store()
            storage.Client()
        """)
        == []
    )
