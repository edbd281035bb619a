from django.urls import path

from dentelle.accounts import views

app_name = "accounts"
urlpatterns = [
    path("cles-api/", views.api_keys, name="api_keys"),
    path("cles-api/<int:pk>/revoquer/", views.revoke_api_key, name="revoke_api_key"),
]
