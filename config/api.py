"""The API root: one NinjaAPI, one router per app, one error shape.

Every error leaves as {"code", "message", "details"}: `details` maps a field (or, for request
validation, a location such as "body.pairs" or "query.limit") to its messages. Messages are in
the request's language (LocaleMiddleware, or the authenticated user's language).
"""

import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from clusterlink.accounts.api import router as accounts_router
from clusterlink.accounts.tokens import AUTH_OPTIONAL
from clusterlink.agreements.api import router as agreements_router
from clusterlink.common.errors import ApplicationError, CommonErrorCode, validation_details
from clusterlink.directory.api import router as directory_router
from clusterlink.events.api import router as events_router
from clusterlink.market.api import router as market_router
from clusterlink.matching.api import router as matching_router

logger = logging.getLogger(__name__)


class Utf8JSONRenderer(JSONRenderer):
    """JSON as UTF-8 text: Chinese and Japanese names stay readable (and a third shorter)."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="ClusterLink API",
    version="1",
    description=(
        "Directory, capacity and market of industrial clusters.\n\n"
        "Authentication: `Authorization: Bearer <token>` (create tokens under /api/me/tokens while "
        "logged in), or the browser session with its CSRF token on writes. Public data can be read "
        "anonymously. Private data (contacts, capacity, prices, non-public demands) is visible "
        "only to those allowed; anything else is answered 404.\n\n"
        'Every error has the shape `{"code", "message", "details"}`. A request that does not '
        "match this schema (wrong type, unknown field, out of range) is a 422 whose details are "
        "keyed by location, e.g. `body.pairs`; a well-formed request the rules refuse (a week in "
        "the past, an unknown code, a wrong credit-code check character) is a 400 keyed by "
        "field. Messages follow Accept-Language (zh-hans, en, ja) or the user's language.\n\n"
        "Money is RMB as a string with two decimals; quantities are whole pairs (JSON integers); "
        "weeks are identified by their Monday. Lists take `limit` and `offset` and answer "
        "`{items, count}` in a stable order."
    ),
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    docs_url="/docs",
    # The Swagger page loads its assets from django-ninja's static files, never from a CDN
    # ("ninja" is in INSTALLED_APPS for that).
    # validatorUrl None: Swagger UI would otherwise ask validator.swagger.io about our schema.
    docs=Swagger(settings={"persistAuthorization": True, "validatorUrl": None}),
    # Public reads by default; each router or operation narrows this. The session method makes the
    # docs page send the CSRF token on writes.
    auth=AUTH_OPTIONAL,
)


@api.get("/health", auth=None, tags=["system"], summary="Liveness check")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


api.add_router("", accounts_router)
api.add_router("", directory_router)
api.add_router("", market_router)
api.add_router("", matching_router)
api.add_router("", agreements_router)
api.add_router("", events_router)


# ---- the one error shape ------------------------------------------------------------------------


def error_response(
    request: HttpRequest, *, status: int, code: str, message: Any, details: Any = None
) -> HttpResponse:
    return api.create_response(
        request,
        {"code": str(code), "message": str(message), "details": _normalise_details(details)},
        status=status,
    )


def _normalise_details(details: Any) -> dict[str, list[str]]:
    if not details:
        return {}
    if isinstance(details, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
            for k, v in details.items()
        }
    return {
        "__all__": [str(m) for m in (details if isinstance(details, list | tuple) else [details])]
    }


# Pydantic's messages are English only; these use Django's own wording where it has one, so that
# they arrive translated from Django's catalogues.
_DECIMAL_PLACES = ngettext_lazy(
    "Ensure that there are no more than %(max)s decimal place.",
    "Ensure that there are no more than %(max)s decimal places.",
    "max",
)
_DIGITS = ngettext_lazy(
    "Ensure that there are no more than %(max)s digit in total.",
    "Ensure that there are no more than %(max)s digits in total.",
    "max",
)
_WHOLE_DIGITS = ngettext_lazy(
    "Ensure that there are no more than %(max)s digit before the decimal point.",
    "Ensure that there are no more than %(max)s digits before the decimal point.",
    "max",
)
_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(limit_value)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(limit_value)s."),
    "string_too_short": _("This field cannot be blank."),
    "string_too_long": _("Ensure this value has at most %(max)s characters."),
    "string_pattern_mismatch": _("Null characters are not allowed."),
    "string_type": _("Enter a text value."),
    "date_parsing": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a valid date."),
    "date_type": _("Enter a valid date."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "list_type": _("Enter a list of values."),
    "enum": _("Select a valid choice. That choice is not one of the available choices."),
    "literal_error": _("Select a valid choice. That choice is not one of the available choices."),
    "model_type": _("Enter an object."),
    "model_attributes_type": _("Enter an object."),
    "dict_type": _("Enter an object."),
}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "decimal_max_places":
        return _DECIMAL_PLACES % {"max": ctx.get("decimal_places")}
    if kind == "decimal_max_digits":
        return _DIGITS % {"max": ctx.get("max_digits")}
    if kind == "decimal_whole_digits":
        return _WHOLE_DIGITS % {"max": ctx.get("whole_digits")}
    message = _PYDANTIC_MESSAGES.get(kind)
    if message is None:
        return str(error.get("msg", _("This value is not valid.")))
    if kind == "greater_than_equal":
        return str(message) % {"limit_value": ctx.get("ge")}
    if kind == "less_than_equal":
        return str(message) % {"limit_value": ctx.get("le")}
    if kind == "string_too_long":
        return str(message) % {"max": ctx.get("max_length")}
    return str(message)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "cells", 0, "free_pairs") → "body.cells.0.free_pairs" (every body
    parameter is named payload)."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "payload":
        del parts[1]
    return ".".join(str(p) for p in parts)


@api.exception_handler(NinjaValidationError)
def on_request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        details[_location(error.get("loc", ()))].append(_pydantic_message(error))
    return error_response(
        request,
        status=422,
        code=CommonErrorCode.VALIDATION,
        message=_("Some fields are not valid."),
        details=dict(details),
    )


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(
        request, status=exc.status, code=exc.code, message=exc.message, details=exc.details
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return error_response(
        request,
        status=400,
        code=CommonErrorCode.VALIDATION,
        message=_("Some fields are not valid."),
        details=validation_details(exc),
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = (
        exc.message
        if exc.message != "Unauthorized"
        else _("Authentication is required: send a valid API token or log in.")
    )
    response = error_response(request, status=401, code="not_authenticated", message=message)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(
        request,
        status=429,
        code=CommonErrorCode.THROTTLED,
        message=_("Too many requests. Please wait and try again."),
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        request, status=404, code=CommonErrorCode.NOT_FOUND, message=_("Not found.")
    )


_HTTP_ERROR_CODES = {
    400: "bad_request",
    403: CommonErrorCode.PERMISSION,
    404: CommonErrorCode.NOT_FOUND,
    405: "method_not_allowed",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        message: Any = _("The request body could not be read as JSON.")
    elif exc.status_code == 403:
        message = _(
            "CSRF verification failed: send the CSRF token with session-authenticated writes."
        )
    else:
        message = exc.message
    return error_response(
        request,
        status=exc.status_code,
        code=_HTTP_ERROR_CODES.get(exc.status_code, "error"),
        message=message,
    )


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error_response(
        request,
        status=500,
        code="server_error",
        message=_("Something went wrong on our side. Please try again later."),
    )


urlpatterns = [path("", api.urls)]
