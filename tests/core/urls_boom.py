"""URLconf for the error-page tests: the real one plus a view that fails."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("panne simulée")


urlpatterns = [*urlpatterns, path("boom/", boom)]
