"""Which role may do what: every Store method (and every other server action) in exactly one
class, and the classes each role holds.

- `read`: pipelines, runs, steps, artifacts, stacks, components, models, tags, users' names
  and roles — what a viewer sees.
- `secret_read`: a secret's name and keys; its values only for roles that hold
  `secret_values` (the server strips them for the others, `stackwise.server.secrets`).
- `write`: creating, changing and deleting everything a pipeline run or a team's stack
  management touches (runs, steps, artifacts, stacks, components, secrets, models, tags).
- `admin`: users, service accounts, API keys and the schema.

A Store method missing here is refused to everyone (and fails tests/server/test_roles.py), so
a new method cannot slip through unclassified.
"""

from __future__ import annotations

from typing import Final

READ: Final = "read"
SECRET_READ: Final = "secret_read"  # noqa: S105 - an action class
WRITE: Final = "write"
ADMIN: Final = "admin"
SECRET_VALUES: Final = "secret_values"  # noqa: S105 - who sees values, not an action

ROLE_PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "viewer": frozenset({READ, SECRET_READ}),
    "editor": frozenset({READ, SECRET_READ, SECRET_VALUES, WRITE}),
    "admin": frozenset({READ, SECRET_READ, SECRET_VALUES, WRITE, ADMIN}),
}

_READS = """
    find_by_metadata find_cached_step_run find_model_version get_artifact get_artifact_version
    get_artifact_versions get_build get_component get_components get_hook_invocation get_metadata
    get_model get_model_version get_pipeline get_run get_service get_stack get_step_run
    get_tag get_user last_run list_artifact_versions list_artifacts list_components
    list_builds list_components_page list_hook_invocations list_model_version_artifact_links
    list_model_version_run_links list_model_versions list_models list_pipelines list_runs
    list_services list_stacks list_stacks_page list_step_runs list_step_runs_page list_tags
    list_users run_index step_runs_using tags_of get_schedule list_schedules
    current_user
"""
_SECRET_READS = "get_secret list_secrets"  # noqa: S105 - method names
_WRITES = """
    add_metadata attach_tags beat_run create_artifact_version create_component
    create_hook_invocation create_model create_model_version create_run create_secret
    create_build create_service create_stack create_tag delete_artifact delete_artifact_version
    delete_build
    delete_component delete_hook_invocation delete_model delete_model_version delete_pipeline
    delete_run delete_secret delete_service delete_stack delete_tag detach_tags fail_dead_run
    fail_unfinished_step_run finish_run finish_step_run get_or_create_pipeline
    link_artifacts_to_model_version link_run_to_model_version mark_artifact_version_corrupted
    record_cached_step_run replace_secret set_artifact_custom_name start_step_run
    unlink_artifacts_from_model_version update_artifact update_artifact_version
    update_component update_model update_model_version update_pipeline update_run
    update_secret update_service update_stack update_step_run update_tag
    create_schedule delete_schedule get_or_create_scheduled_run update_schedule
"""
_ADMIN = """
    create_api_key create_user delete_api_key delete_user get_api_key list_api_keys
    rotate_api_key update_api_key update_user upgrade_schema
"""

ACTION_CLASSES: Final[dict[str, str]] = {
    **{name: READ for name in _READS.split()},
    **{name: SECRET_READ for name in _SECRET_READS.split()},
    **{name: WRITE for name in _WRITES.split()},
    **{name: ADMIN for name in _ADMIN.split()},
}


def allowed(role: str, action: str) -> bool:
    """Whether `role` may do `action`; an unclassified action is allowed to nobody."""
    needed = ACTION_CLASSES.get(action)
    return needed is not None and needed in ROLE_PERMISSIONS.get(role, frozenset())


def sees_secret_values(role: str) -> bool:
    return SECRET_VALUES in ROLE_PERMISSIONS.get(role, frozenset())
