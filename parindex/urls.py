from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from parindex import views
from public.sitemaps import SITEMAPS
from public.views.robots import robots
from surveys.sitemaps import SipasPages
from surveys.views import published_download

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    # Outside the language prefix: crawlers look for them at the root.
    path("robots.txt", robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {**SITEMAPS, "sipas": SipasPages}}, name="sitemap"),
]
# Every public page lives under /vi/ and /en/: one address per page and language.
urlpatterns += i18n_patterns(
    path("staff/", include("staff.urls")),
    path("sipas/", include("surveys.urls")),
    # Beside the data page's tables across all editions (public's data/all/<table>.<fmt>, which
    # it comes before), but the survey's figures: surveys serves it.
    path("data/all/sipas.<slug:fmt>", published_download, name="sipas_published"),
    path("", include("public.urls")),
)

handler400 = "parindex.views.bad_request"
handler403 = "parindex.views.permission_denied"
handler404 = "parindex.views.page_not_found"
handler500 = "parindex.views.server_error"
