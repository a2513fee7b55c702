"""SW003: a step returning a value without a return annotation; `return None`, `-> None` and
nested functions' returns are not that."""

from __future__ import annotations


def test_returns_that_give_nothing_are_fine(found) -> None:
    assert (
        found("""
        from stackwise import step

        @step
        def bare(x):
            if x:
                return
            print(x)

        @step
        def explicit_none(x):
            return None

        @step
        def annotated_none(x) -> None:
            return x

        @step
        def no_return(x):
            x.append(1)
        """)
        == []
    )


def test_only_the_steps_own_returns_count(found) -> None:
    assert (
        found("""
        from stackwise import step

        @step
        def outer(rows):
            def key(row):
                return row[0]

            class Sorter:
                def run(self):
                    return sorted(rows, key=key)

            Sorter().run()
            list(map(lambda r: r * 2, rows))

        def helper(x):
            return x
        """)
        == []
    )


def test_the_first_value_return_is_named_and_the_def_is_the_position(check) -> None:
    [finding] = check("""
        from stackwise import step

        @step(enable_cache=False)
        def pick(x):
            if x:
                return None
            if x == 0:
                return x + 1
            return x
        """)
    assert (finding.code, finding.line, finding.col) == ("SW003", 4, 1)
    assert finding.message.startswith(
        "step 'pick' returns a value (line 8) but has no return annotation: "
    )


def test_a_tuple_return_suggests_one_annotation_per_output(check) -> None:
    [finding] = check("""
        from stackwise import step

        @step
        def split(df):
            return df[:10], df[10:]
        """)
    assert (
        'annotate each value: `-> Tuple[Annotated[T1, "name1"], Annotated[T2, "name2"]]`'
        in finding.message
    )
