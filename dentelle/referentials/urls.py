from django.urls import path

from dentelle.referentials import views

app_name = "referentials"
urlpatterns = [
    path("", views.home, name="home"),
    path("cpv/", views.cpv_search, name="cpv"),
    path("lieux/", views.place_resolver, name="place"),
]
