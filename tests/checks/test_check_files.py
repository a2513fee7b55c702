"""Which files are read, and how unparseable ones are reported (SW000) without stopping the
others."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from stackwise.checks import SKIPPED_DIRS, check_paths, python_files, scan_source

UNANNOTATED = "from stackwise import step\n\n@step\ndef s():\n    return 1\n"


def test_folders_are_searched_and_environments_skipped(write, samples: Path) -> None:
    kept = [write("x = 1\n", "a.py"), write("x = 1\n", "pkg/b.py")]
    write("x = 1\n", "notes.txt")
    for folder in SKIPPED_DIRS:
        write("x = 1\n", f"{folder}/c.py")
    write("home = /usr\n", "env/pyvenv.cfg")
    write("x = 1\n", "env/lib/d.py")
    assert python_files([samples]) == kept


def test_named_files_are_read_whatever_their_suffix_and_each_only_once(
    write, samples: Path
) -> None:
    script = write(UNANNOTATED, "run_pipeline")
    module = write("x = 1\n", "m.py")
    assert python_files([script, samples, module]) == [script, module]
    assert [f.code for f in check_paths([script])] == ["SW003"]


def test_a_missing_path_is_an_error() -> None:
    with pytest.raises(FileNotFoundError, match="No such file or folder: nowhere"):
        python_files(["nowhere"])


def test_syntax_errors_are_sw000_and_other_files_are_still_checked(write, samples: Path) -> None:
    write("def broken(:\n    pass\n", "a_broken.py")
    write(UNANNOTATED, "b_fine.py")
    findings = check_paths([samples])
    assert [(Path(f.path).name, f.code, f.line) for f in findings] == [
        ("a_broken.py", "SW000", 1),
        ("b_fine.py", "SW003", 4),
    ]
    assert findings[0].message.startswith("cannot parse this file (invalid syntax")


def test_undecodable_and_null_byte_files_are_sw000(samples: Path) -> None:
    (samples / "latin.py").write_bytes(b"x = '\xe9'\n")
    (samples / "nul.py").write_bytes(b"x = 1\x00\n")
    assert [f.code for f in check_paths([samples])] == ["SW000", "SW000"]


def test_an_encoding_declaration_is_honoured(samples: Path) -> None:
    (samples / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    assert check_paths([samples]) == []


def test_the_users_syntax_warnings_are_not_raised() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert scan_source('import re\nPATTERN = "\\d+"\nassert (1, 2)\n').findings == []


def test_columns_count_characters_not_bytes() -> None:
    scan = scan_source(
        "from stackwise import step\n\n@step\ndef s(df) -> None:\n"
        '    é = df.to_csv("/tmp/é.csv")\n',
        "x.py",
    )
    assert [(f.line, f.col) for f in scan.findings] == [(5, 19)]
