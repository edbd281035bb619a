from django.urls import path

from dentelle.decp import views

app_name = "decp"
urlpatterns = [
    path("", views.decp_page, name="page"),
    path("export/", views.decp_export, name="export"),
]
