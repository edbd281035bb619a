from django.urls import path

from dentelle.insertion import views, views_tracking

app_name = "insertion"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("marches/", views.contract_list, name="contract_list"),
    path("marches/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("lots/<int:lot_pk>/clause/", views.lot_clause, name="lot_clause"),
    path("bilan/<int:year>/", views.report, name="report"),
    path("bilan/<int:year>.xlsx", views.report_xlsx, name="report_xlsx"),
    path("declarations/nouvelle/", views_tracking.declaration_create, name="declaration_create"),
    path("declarations/a-valider/", views_tracking.pending, name="pending"),
    path("declarations/import/", views_tracking.declaration_import, name="declaration_import"),
    path("declarations/<int:pk>/valider/", views_tracking.declaration_validate, name="declaration_validate"),
    path("declarations/<int:pk>/corriger/", views_tracking.declaration_correct, name="declaration_correct"),
    path("beneficiaires/", views_tracking.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/nouveau/", views_tracking.beneficiary_create, name="beneficiary_create"),
    path("beneficiaires/<int:pk>/", views_tracking.beneficiary_detail, name="beneficiary_detail"),
]
