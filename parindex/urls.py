from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from parindex import views

urlpatterns = [
    path("", views.root, name="root"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
]
# Every public page lives under /vi/ and /en/: one address per page and language.
urlpatterns += i18n_patterns(path("", include("public.urls")))
