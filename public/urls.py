from django.urls import path

from public.feeds import PublicationsFeed
from public.views import (
    api,
    charts,
    compare,
    corrections,
    criteria,
    data,
    embeds,
    home,
    map,
    methodology,
    rankings,
    regions,
    reports,
    search,
    share,
    units,
)

app_name = "public"
urlpatterns = [
    path("", home.home, name="home"),
    path("rankings/<int:year>/<str:level>/", rankings.ranking, name="ranking"),
    path("units/<slug:slug>/", units.unit, name="unit"),
    path("units/<slug:slug>/report.pdf", reports.unit_pdf, name="unit_pdf"),
    path("regions/<int:year>/", regions.regions, name="regions"),
    path("criteria/<int:year>/<str:level>/<str:code>/", criteria.criterion, name="criterion"),
    path("compare/<str:level>/", compare.compare, name="compare"),
    path("methodology/<int:year>/<str:level>/", methodology.methodology, name="methodology"),
    path("search/", search.search, name="search"),
    path("data/", data.data, name="data"),
    path("data/codebook/", data.codebook, name="codebook"),
    path("data/codebook.csv", data.codebook_csv, name="codebook_csv"),
    path("data/<int:year>/<slug:level>/<slug:table>.<slug:fmt>", data.dataset, name="dataset"),
    path("data/all/<slug:table>.<slug:fmt>", data.whole_dataset, name="whole_dataset"),
    path("api/editions.json", api.editions, name="api_editions"),
    path("api/editions/<int:year>/<slug:level>.json", api.edition, name="api_edition"),
    path("api/units/<slug:slug>.json", api.unit, name="api_unit"),
    path("map/<int:year>/", map.map_page, name="map"),
    path("charts/ranking/<int:year>/<str:level>.svg", charts.ranking, name="chart_ranking"),
    path(
        "charts/unit/<slug:slug>/fields/<int:year>/<str:level>.svg",
        charts.unit_fields,
        name="chart_unit_fields",
    ),
    path("charts/unit/<slug:slug>/history.svg", charts.unit_history, name="chart_unit_history"),
    path("charts/regions/<int:year>.svg", charts.regions, name="chart_regions"),
    path("charts/averages.svg", charts.averages, name="chart_averages"),
    path("charts/field/<int:year>/<str:level>/<str:code>.svg", charts.field, name="chart_field"),
    # Every chart above, alone in a page made for other sites' iframes: the same parts, no .svg.
    path("embed/<path:chart>/", embeds.embed, name="embed"),
    path("feed/", PublicationsFeed(), name="feed"),
    path("corrections/", corrections.corrections, name="corrections"),
    # One name for the three share cards: the arguments choose the card (none, year and
    # level, or a unit's slug).
    path("share/site.png", share.site, name="share_image"),
    path("share/ranking/<int:year>/<str:level>.png", share.ranking, name="share_image"),
    path("share/unit/<slug:slug>.png", share.unit, name="share_image"),
]
