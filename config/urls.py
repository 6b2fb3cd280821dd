from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config.api import api
from loket.lib import views as lib_views

urlpatterns = [
    path("", include("loket.organisations.urls")),
    path("", include("loket.accounts.urls")),
    path("partners/", include("loket.matching.urls")),
    path("challenges/", include("loket.challenges.urls")),
    path("instruments/", include("loket.instruments.urls")),
    path("vraag/", include("loket.referrals.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", lib_views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico regardless of <link rel="icon">. Lazy: in
    # production the static URL comes from the manifest; not permanent, the hashed name changes.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
]

handler400 = "loket.lib.views.bad_request"
handler403 = "loket.lib.views.permission_denied"
handler404 = "loket.lib.views.page_not_found"
handler500 = "loket.lib.views.server_error"
