from django.urls import path

from dentelle.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.search, name="search"),
    path("lot/<int:pk>/", views.lot_ranking, name="lot"),
    path("lot/<int:pk>/structure/<int:siae_pk>/", views.why, name="why"),
    path("lot/<int:pk>/reponse/", views.member_answer, name="member_answer"),
    path("structure/<int:siae_pk>/opportunites/", views.opportunities, name="opportunities"),
    path("reponse/<str:token>/", views.answer, name="answer"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
