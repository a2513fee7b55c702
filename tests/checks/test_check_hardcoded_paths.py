"""SW002: absolute paths and bucket URIs a step writes to or builds paths from; and the
relative paths, reads and parameters that must stay quiet."""

from __future__ import annotations

import pytest

from stackwise.checks.hardcoded_paths import absolute_kind

STEP = """
import json, os, shutil
from pathlib import Path
import joblib
from stackwise import step

@step
def s(df, model, name: str, path: str) -> None:
    {statement}
"""
LINE = 8  # the statement's line in STEP


@pytest.mark.parametrize(
    "statement",
    [
        'open("/tmp/model.pkl", "wb")',
        'open(file="/home/me/out.txt", mode="a")',
        'df.to_parquet("s3://bucket/features.parquet")',
        'df.to_csv(path_or_buf="/data/out.csv", sep="~")',
        'joblib.dump(model, f"/tmp/{name}.pkl")',
        'model.save_model("gs://models/" + name)',
        'model.save("/srv/models/%s" % name)',
        'model.save("/srv/models/{}".format(name))',
        'os.path.join("/home/me", "out")',
        'Path("~/models") / name',
        'Path("C:\\\\models")',
        'Path(r"\\\\server\\share")',
        'json.dump({}, open("/tmp/x.json", "w"))',
        'shutil.copy(path, "/mnt/shared/")',
        'os.makedirs("abfs://container/dir", exist_ok=True)',
        'df.write_delta(f"az://lake/{name}")',
    ],
)
def test_absolute_destinations_are_reported(found, statement: str) -> None:
    assert found(STEP.format(statement=statement)) == [("SW002", LINE)]


@pytest.mark.parametrize(
    "statement",
    [
        'open("model.pkl", "wb")',
        'open("/etc/app/config.yaml")',
        'open("/etc/app/config.yaml", "rb")',
        'open(path, "w")',
        'df.to_csv("out/features.csv", sep="/")',
        "df.to_parquet(path)",
        'df.to_parquet(f"{path}/features.parquet")',
        'joblib.dump(model, name + ".pkl")',
        'os.path.join(path, "model.pkl")',
        'Path(name) / "model.pkl"',
        'df.read_parquet("s3://bucket/raw.parquet")',
        '"/".join([name, path])',
        'print("/tmp/model.pkl")',
        'open("/dev/null", "w")',
        'shutil.copy("/etc/app/defaults.yaml", path)',
        'model.save(path, format="/x")',
        'Path("~")',
        'open("//double/slash", "w")',
        'open("/tmp/x", mode=name)',
    ],
)
def test_relative_paths_reads_and_parameters_are_not(found, statement: str) -> None:
    assert found(STEP.format(statement=statement)) == []


def test_parameter_defaults_are_inputs_not_hard_coded_destinations(found) -> None:
    assert (
        found("""
        import pandas as pd
        from stackwise import step

        @step
        def load(uri: str = "s3://bucket/raw.parquet", out: str = "/tmp/x") -> int:
            df = pd.read_parquet(uri)
            df.to_parquet(out)
            return len(df)
        """)
        == []
    )


def test_names_bound_once_to_an_absolute_literal_are_followed(check) -> None:
    findings = check("""
        import os
        from stackwise import step

        OUTPUT_DIR = "/mnt/shared/models"

        @step
        def save(model) -> None:
            target = f"{OUTPUT_DIR}/model.pkl"
            model.save(target)
            os.path.join(OUTPUT_DIR, "x")
            scratch = "/tmp/a"
            scratch = "relative"
            model.save(scratch)
        """)
    assert [(f.code, f.line, f.col) for f in findings] == [("SW002", 9, 16), ("SW002", 10, 18)]
    assert (
        "'/mnt/shared/models' (through target -> OUTPUT_DIR) to model.save()" in findings[0].message
    )
    assert "'/mnt/shared/models' (through OUTPUT_DIR)" in findings[1].message


def test_message_says_what_breaks_and_what_to_do(check) -> None:
    [finding] = check("""
        from stackwise import step

        @step
        def save(df) -> None:
            df.to_parquet("s3://bucket/features.parquet")
        """)
    assert finding.col == 19
    assert finding.message == (
        "step 'save' passes the hard-coded bucket URI 's3://bucket/features.parquet' to "
        "df.to_parquet(): it exists on one machine or cloud only, so on another stack the "
        "step fails or writes where no artifact store tracks it. Return the value and let the "
        "artifact store save it; take locations as step parameters."
    )


def test_only_steps_are_checked(found) -> None:
    assert (
        found("""
        import joblib

        def export(model) -> None:
            joblib.dump(model, "/tmp/model.pkl")

        joblib.dump(None, "/tmp/at-import.pkl")
        """)
        == []
    )


def test_a_comment_silences_one_finding(found) -> None:
    assert found("""
        from stackwise import step

        @step
        def save(df) -> None:
            df.to_csv("/tmp/debug.csv")  # stackwise: ignore[SW002]
            df.to_csv("/tmp/other.csv")  # stackwise: ignore[SW001]
            df.to_csv("/tmp/any.csv")  # stackwise: ignore
        """) == [("SW002", 6)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("/tmp/x", "absolute path"),
        ("C:/x", "absolute path"),
        ("~user/x", "absolute path"),
        ("S3://b/k", "bucket URI"),
        ("abfss://c@a/x", "bucket URI"),
        ("file:///x", "bucket URI"),
        ("/", None),
        ("x/y", None),
        ("./x", None),
        ("http://host/x", None),
        ("", None),
        ("/dev/stdout", None),
        ("~", None),
    ],
)
def test_what_counts_as_absolute(text: str, kind: str | None) -> None:
    assert absolute_kind(text) == kind
