"""A finding: one rule broken at one place in one file, as `stackwise check` prints it.

Rule codes are stable (tools and `# stackwise: ignore[SW002]` comments refer to them), so they
are listed once here with a short title each.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "note"]

RULES: dict[str, str] = {
    "SW000": "file cannot be parsed",
    "SW001": "cloud SDK call inside a step",
    "SW002": "hard-coded absolute artifact path inside a step",
    "SW003": "step returns a value but has no return annotation",
    "SW004": "experiment_tracker that the stacks do not provide",
}


@dataclass(frozen=True, order=True)
class Finding:
    """Where (1-based line, 1-based column), which rule, and a message that says what to do.

    A `note` is advice that does not fail the check (exit code stays 0 if only notes).
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        """`path:line:col: SW00N message` (notes read `SW00N note: message`)."""
        label = f"{self.code} note:" if self.severity == "note" else self.code
        return f"{self.path}:{self.line}:{self.col}: {label} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
