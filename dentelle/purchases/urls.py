from django.urls import path

from dentelle.purchases import views, views_upload

app_name = "purchases"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("importer/", views_upload.plan_upload, name="upload"),
    path("programmation/<int:pk>/", views.plan_detail, name="plan"),
    path("programmation/<int:pk>/balayer/", views.plan_rescan, name="rescan"),
    path("programmation/<int:pk>/export.<str:fmt>", views.plan_export, name="export"),
    path("programmation/<int:pk>/exporter/", views.plan_export_job, name="export_job"),
    path("lot/<int:pk>/", views.lot_detail, name="lot"),
    path("lot/<int:pk>/exception/", views.lot_exception, name="lot_exception"),
    path("proposition/<int:pk>/decision/", views.finding_decide, name="decide"),
]
