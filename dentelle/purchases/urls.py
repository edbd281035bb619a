from django.urls import path

from dentelle.purchases import views, views_allotment, views_upload

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
    path("lot/<int:pk>/allotissement/accepter/", views_allotment.lot_allot_accept, name="lot_allot_accept"),
    path("lot/<int:pk>/allotissement/export.xlsx", views_allotment.lot_allot_export, name="lot_allot_export"),
    path("lot/<int:pk>/sites/", views_allotment.lot_sites_upload, name="lot_sites"),
    path("proposition/<int:pk>/decision/", views.finding_decide, name="decide"),
]
