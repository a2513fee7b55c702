"""SqlStore: the Store protocol (stackwise.store.base) on SQLAlchemy Core, one mixin per
entity.

Core, not the ORM: a step's bookkeeping is a handful of statements and the ORM's unit of work
would cost more than the step. Budgets (DESIGN.md): an executed step costs two write
transactions (`start_step_run`, `finish_step_run`), a cached step one read
(`find_cached_step_run`) and one write (`record_cached_step_run`). Listings page in SQL and load
relations in one extra query per page, never one per row.
"""

from __future__ import annotations

from stackwise.store.sql.builds import BuildQueries
from stackwise.store.sql.hook_invocations import HookInvocationQueries
from stackwise.store.sql.models import ModelQueries
from stackwise.store.sql.pipelines import PipelineQueries
from stackwise.store.sql.schedules import ScheduleQueries
from stackwise.store.sql.secrets import SecretQueries
from stackwise.store.sql.services import ServiceQueries
from stackwise.store.sql.stacks import StackQueries
from stackwise.store.sql.users import UserQueries


class SqlStore(
    PipelineQueries,
    StackQueries,
    SecretQueries,
    HookInvocationQueries,
    ModelQueries,
    ServiceQueries,
    BuildQueries,
    UserQueries,
    ScheduleQueries,
):
    """The metadata store. Thread-safe; one instance per process and URL (see `get_store`)."""


__all__ = ["SqlStore"]
