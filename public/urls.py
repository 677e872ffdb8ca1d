from django.urls import path

from public.views import home, rankings, units

app_name = "public"
urlpatterns = [
    path("", home.home, name="home"),
    path("rankings/<int:year>/<str:level>/", rankings.ranking, name="ranking"),
    path("units/<slug:slug>/", units.unit, name="unit"),
]
