"""One error family for the whole application.

Services raise ApplicationError subclasses; the API handler and the views turn them, and
Django's ValidationError, into one shape: {"code", "message", "details"}.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise


class CommonErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    VALIDATION = "validation_error"
    PERMISSION = "permission_denied"
    CONFLICT = "conflict"
    THROTTLED = "throttled"


class ApplicationError(Exception):
    """A failure the user can understand: stable code, translatable message, details, HTTP status."""

    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = CommonErrorCode.VALIDATION,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = str(code)
        self.details = details if details is not None else {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class NotFoundError(ApplicationError):
    """Also raised for rows the user may not see, so that their existence is never confirmed."""

    status = 404

    def __init__(self, message: str | Promise | None = None, **kwargs: Any) -> None:
        from django.utils.translation import gettext_lazy as _

        kwargs.setdefault("code", CommonErrorCode.NOT_FOUND)
        super().__init__(message or _("Not found."), **kwargs)


class PermissionError_(ApplicationError):
    """For actions on rows the user can see but may not change (never for reads)."""

    status = 403

    def __init__(self, message: str | Promise, **kwargs: Any) -> None:
        kwargs.setdefault("code", CommonErrorCode.PERMISSION)
        super().__init__(message, **kwargs)


class ConflictError(ApplicationError):
    status = 409

    def __init__(self, message: str | Promise, **kwargs: Any) -> None:
        kwargs.setdefault("code", CommonErrorCode.CONFLICT)
        super().__init__(message, **kwargs)


def validation_details(error: ValidationError) -> dict[str, list[str]]:
    """Field → messages for a Django ValidationError ("__all__" for non-field errors)."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(errs).messages]
            for field, errs in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def from_validation_error(error: ValidationError) -> ApplicationError:
    from django.utils.translation import gettext_lazy as _

    return ApplicationError(
        _("Some fields are not valid."),
        code=CommonErrorCode.VALIDATION,
        details=validation_details(error),
    )
