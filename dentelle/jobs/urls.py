from django.urls import path

from dentelle.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/etat.json", views.job_state, name="state"),
    path("<int:pk>/fichier", views.job_download, name="download"),
]
