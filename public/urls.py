from django.urls import path

from public.views import compare, criteria, home, methodology, rankings, regions, units

app_name = "public"
urlpatterns = [
    path("", home.home, name="home"),
    path("rankings/<int:year>/<str:level>/", rankings.ranking, name="ranking"),
    path("units/<slug:slug>/", units.unit, name="unit"),
    path("regions/<int:year>/", regions.regions, name="regions"),
    path("criteria/<int:year>/<str:level>/<str:code>/", criteria.criterion, name="criterion"),
    path("compare/<str:level>/", compare.compare, name="compare"),
    path("methodology/<int:year>/<str:level>/", methodology.methodology, name="methodology"),
]
