from django.urls import path

from dentelle.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.overrides_page, name="overrides"),
]
