"""/siae/couverture/: the coverage page sits with the directory's pages, its code in matching."""

from django.urls import path

from dentelle.matching import views_coverage

app_name = "coverage"
urlpatterns = [
    path("", views_coverage.coverage, name="page"),
    path("export.<str:fmt>", views_coverage.coverage_export, name="export"),
]
