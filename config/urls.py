from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from clusterlink.accounts.views import AdminLoginView, AdminPasswordChangeView

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("config.api")),
]

# Pages carry the language in their address (/zh-hans/, /en/, /ja/) so a link shows one language.
urlpatterns += i18n_patterns(
    # Before the admin's own URLs: its login page is throttled like the site's.
    path("admin/login/", AdminLoginView.as_view(), name="admin_login"),
    # Changing one's password there also revokes one's API tokens.
    path("admin/password_change/", AdminPasswordChangeView.as_view(), name="admin_password_change"),
    path("admin/", admin.site.urls),
    path("accounts/", include("clusterlink.accounts.urls")),
    path("mine/", include("clusterlink.directory.mine_urls")),
    path("imports/", include("clusterlink.directory.import_urls")),
    path("memberships/", include("clusterlink.directory.membership_urls")),
    path("market/", include("clusterlink.market.urls")),
    path("matching/", include("clusterlink.matching.urls")),
    path("agreements/", include("clusterlink.agreements.urls")),
    path("reports/", include("clusterlink.reports.urls")),
    path("events/", include("clusterlink.events.urls")),
    path("", include("clusterlink.directory.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
