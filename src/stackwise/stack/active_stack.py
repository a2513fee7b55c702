"""Loading stacks from the store, the active one in particular, and creating the `default`
stack (local orchestrator + local artifact store under STACKWISE_HOME) on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig
from stackwise.enums import StackComponentType
from stackwise.exceptions import EntityExistsError, EntityNotFoundError
from stackwise.stack.stack import Stack

if TYPE_CHECKING:
    from stackwise.store.base import Store


def load_stack(store: Store, name_or_id: str) -> Stack:
    if name_or_id == DEFAULT_STACK_NAME:
        ensure_default_stack(store)
    record = store.get_stack(name_or_id)
    ids = [i for ids in record.components.values() for i in ids]
    return Stack(record, store.get_components(ids), store)


def active_stack(store: Store) -> Stack:
    choice = GlobalConfig().active_stack()
    try:
        return load_stack(store, choice.name)
    except EntityNotFoundError as error:
        raise EntityNotFoundError(
            f"{error} The active stack comes from the {choice.source}; pick an existing stack "
            "with `stackwise stack set NAME` (`stackwise stack list` shows them)."
        ) from None


def ensure_default_stack(store: Store) -> None:
    """Create the default components and stack if this store has none yet."""
    try:
        store.get_stack(DEFAULT_STACK_NAME)
        return
    except EntityNotFoundError:
        pass
    path = str(GlobalConfig().default_artifact_path)
    ids = []
    for type_, config in (
        (StackComponentType.ORCHESTRATOR, {}),
        (StackComponentType.ARTIFACT_STORE, {"path": path}),
    ):
        try:
            ids.append(store.get_component(type_, DEFAULT_STACK_NAME).id)
        except EntityNotFoundError:
            try:
                ids.append(
                    store.create_component(
                        name=DEFAULT_STACK_NAME, type=type_, flavor="local", configuration=config
                    ).id
                )
            except EntityExistsError:  # another process made it meanwhile
                ids.append(store.get_component(type_, DEFAULT_STACK_NAME).id)
    try:
        store.create_stack(DEFAULT_STACK_NAME, ids)
    except EntityExistsError:
        pass
