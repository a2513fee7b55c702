"""What the dashboard computes before a browser sees it: the DAG's layout from a run's spec,
and how stored visualizations are made safe to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from stackwise.server.dashboard import dag, previews
from stackwise.store.records import StepRunRecord


def _step(name: str, status: str, attempt: int = 1, seconds: float = 1.5) -> StepRunRecord:
    start = datetime(2026, 1, 1, 12, 0, 0)
    return StepRunRecord(
        id=f"{name}-{attempt}",
        run_id="run",
        name=name,
        status=status,
        cache_key=None,
        code_hash=None,
        source="m:f",
        config={},
        start_time=start,
        end_time=start + timedelta(seconds=seconds),
        attempt=attempt,
        original_step_run_id=None,
        exception_info=None,
    )


SPEC = {
    "steps": {
        "load": {"upstream": [], "inputs": {}},
        "clean": {"upstream": ["load"], "inputs": {"raw": {"step": "load", "output": "output"}}},
        "train": {"upstream": [], "inputs": {"data": {"step": "clean", "output": "output"}}},
        "report": {"upstream": ["load", "train"], "inputs": {}},
    }
}


def test_steps_are_placed_in_columns_by_depth_with_an_edge_per_dependency() -> None:
    states = dag.step_states(
        [_step("load", "cached"), _step("clean", "failed"), _step("clean", "completed", 2)],
        SPEC["steps"],
    )
    graph = dag.layout(SPEC, states)
    column = {n.state.name: n.x for n in graph.nodes}
    assert column["load"] < column["clean"] < column["train"] < column["report"]
    assert {(e.source, e.target) for e in graph.edges} == {
        ("load", "clean"),
        ("clean", "train"),  # from an input, not only `upstream`
        ("load", "report"),
        ("train", "report"),
    }
    shown = {n.state.name: n.state for n in graph.nodes}
    assert shown["clean"].status == "completed"  # the latest attempt wins
    assert shown["load"].cached and shown["load"].duration == "1.500s"
    assert shown["train"].status == "pending" and shown["train"].duration == ""
    assert graph.width >= max(n.x for n in graph.nodes) + dag.NODE_WIDTH


def test_a_step_the_spec_does_not_list_gets_a_column_of_its_own() -> None:
    states = dag.step_states([_step("load", "completed"), _step("dynamic_1", "running")], ["load"])
    graph = dag.layout({"steps": {"load": {}}}, states)
    nodes = {n.state.name: n for n in graph.nodes}
    assert nodes["dynamic_1"].x > nodes["load"].x and not graph.edges


def test_markdown_is_rendered_with_raw_html_escaped() -> None:
    shown = previews.render(
        "markdown", "m.md", "# Hi\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert shown.inline is not None
    assert "<h1>Hi</h1>" in shown.inline
    assert "<script>" not in shown.inline and "&lt;script&gt;" in shown.inline
    assert 'href="javascript:' not in shown.inline


def test_csv_becomes_an_escaped_table_for_a_sandboxed_frame() -> None:
    shown = previews.render("csv", "sample.csv", ",name\n0,<img src=x onerror=alert(1)>\n")
    assert shown.frame is not None and shown.inline is None
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in shown.frame


def test_html_goes_to_a_frame_images_to_data_urls_and_large_files_are_not_inlined() -> None:
    assert previews.render("html", "o.html", "<b>x</b>").frame == "<b>x</b>"
    png = previews.render("image", "i.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10)
    assert png.inline is not None and 'src="data:image/png;base64,' in png.inline
    big = previews.render("html", "o.html", "x" * (previews.MAX_PREVIEW_BYTES + 1))
    assert big.frame is None and "too large" in (big.error or "")
    assert previews.render("json", "j.json", '{"a": "<b>"}').inline == (
        "<pre>{\n  &quot;a&quot;: &quot;&lt;b&gt;&quot;\n}</pre>"
    )
