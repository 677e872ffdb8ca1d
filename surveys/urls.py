from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.latest, name="latest"),
    path("<int:year>/", views.national, name="national"),
    path("<int:year>/provinces/", views.ranking, name="ranking"),
    path("<int:year>/results.<slug:fmt>", views.download, name="download"),
    path("charts/<int:year>/aspects.svg", views.chart_aspects, name="chart_aspects"),
    path("charts/<int:year>/provinces.svg", views.chart_ranking, name="chart_ranking"),
]
