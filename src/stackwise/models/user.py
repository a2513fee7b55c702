"""Users, service accounts and API keys as the Client returns them (ZenML's shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from stackwise.models.base import BaseResponse, UserResponse

if TYPE_CHECKING:
    from stackwise.store.base import Store


def user_response(record: Any, store: Store | None) -> UserResponse:
    return UserResponse.make(
        store,
        id=record.id,
        created=record.created,
        updated=record.updated,
        user_id=None,
        name=record.name,
        full_name=record.full_name,
        email=record.email,
        active=record.active,
        is_service_account=record.is_service_account,
        is_admin=record.role == "admin",
        role=record.role,
        description=record.description,
    )


class ServiceAccountResponse(BaseResponse):
    """A service account: a user without a password that logs in with API keys."""

    name: str
    full_name: str = ""
    description: str = ""
    active: bool = True
    role: str = "editor"

    @classmethod
    def from_record(cls, record: Any, store: Store | None) -> ServiceAccountResponse:
        return cls.make(
            store,
            id=record.id,
            created=record.created,
            updated=record.updated,
            user_id=None,
            name=record.name,
            full_name=record.full_name,
            description=record.description or "",
            active=record.active,
            role=record.role,
        )

    @property
    def user(self) -> UserResponse | None:
        return None


class APIKeyResponse(BaseResponse):
    """A service account's API key. `key` is set only in what `create_api_key` and
    `rotate_api_key` return: the one time the key is shown."""

    name: str
    description: str = ""
    active: bool = True
    key: str | None = None
    service_account_id: Any = None
    last_login: datetime | None = None
    last_rotated: datetime | None = None
    retain_period_minutes: int = 0

    @classmethod
    def from_record(cls, record: Any, store: Store | None) -> APIKeyResponse:
        retain = 0
        if record.retain_until is not None and record.last_rotated is not None:
            retain = int((record.retain_until - record.last_rotated).total_seconds() // 60)
        return cls.make(
            store,
            id=record.id,
            created=record.created,
            updated=record.updated,
            user_id=None,
            name=record.name,
            description=record.description,
            active=record.active,
            key=record.key,
            service_account_id=record.service_account_id,
            last_login=record.last_login,
            last_rotated=record.last_rotated,
            retain_period_minutes=retain,
        )

    @property
    def service_account(self) -> ServiceAccountResponse:
        return ServiceAccountResponse.from_record(
            self.store.get_user(str(self.service_account_id)), self._store
        )
