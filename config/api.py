"""The API root: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(
    title="ClusterLink API",
    version="1",
    description="Directory, capacity and market of industrial clusters. Token auth: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    docs_url="/docs",
)


@api.get("/health", auth=None, tags=["system"])
def health(request):  # type: ignore[no-untyped-def]
    return {"status": "ok"}


urlpatterns = [path("", api.urls)]
