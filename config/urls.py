from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from dentelle.core.throttling import ThrottledAuthenticationForm
from dentelle.site import health
from dentelle.site import views as site_views

admin.site.site_header = "Administration de Dentelle"
admin.site.site_title = "Administration de Dentelle"
admin.site.index_title = "Tables de l'application"

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", include("dentelle.accounts.urls")),
    path("referentiels/", include("dentelle.referentials.urls")),
    path("siae/couverture/", include("dentelle.matching.urls_coverage")),
    path("siae/", include("dentelle.siaes.urls")),
    path("achats/", include("dentelle.purchases.urls")),
    path("mise-en-relation/", include("dentelle.matching.urls")),
    path("insertion/", include("dentelle.insertion.urls")),
    path("decp/", include("dentelle.decp.urls")),
    path("parametres/", include("dentelle.rules.urls")),
    path("travaux/", include("dentelle.jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler400 = "dentelle.core.views.bad_request"
handler403 = "dentelle.core.views.permission_denied"
handler404 = "dentelle.core.views.page_not_found"
handler500 = "dentelle.core.views.server_error"
