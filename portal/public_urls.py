from django.urls import path

from . import download_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<int:pk>/", views.region, name="region"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("departments/<int:pk>/compare/", views.compare, name="compare"),
    path("search/", views.search, name="search"),
    path("disclosures/<int:pk>/", views.disclosure, name="disclosure"),
    path("disclosures/<int:pk>.pdf", views.disclosure_pdf, name="disclosure_pdf"),
    path("disclosures/<int:pk>/preview/", views.preview, name="preview"),
    path(
        "disclosures/<int:pk>/preview/<slug:section>/",
        views.preview_part,
        name="preview_part",
    ),
    path("guide/", views.guide, name="guide"),
    path("glossary/", views.glossary, name="glossary"),
    path("regions/<int:pk>/glossary/", views.region_glossary, name="region_glossary"),
]

# Open data (portal/opendata.md): downloads of published disclosures and the data package.
urlpatterns += [
    path("disclosures/<int:pk>.json", download_views.disclosure_json, name="disclosure_json"),
    path(
        "disclosures/<int:pk>/download.xlsx", download_views.disclosure_xlsx, name="disclosure_xlsx"
    ),
    path(
        "disclosures/<int:pk>/tables/<slug:table>.csv",
        download_views.disclosure_table_csv,
        name="disclosure_table_csv",
    ),
    path("open-data/datapackage.json", download_views.datapackage, name="datapackage"),
    path(
        "open-data/disclosure.schema.json",
        download_views.disclosure_schema,
        name="disclosure_schema",
    ),
    path("open-data/<slug:resource>.csv", download_views.open_data_csv, name="open_data_csv"),
    # 开放数据 for people: what each dataset holds, its fields, licence and checksum.
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<slug:name>/", views.dataset, name="dataset"),
]
