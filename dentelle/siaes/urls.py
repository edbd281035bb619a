from django.urls import path

from dentelle.siaes import views, views_contacts, views_profile

app_name = "siaes"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("carte.svg", views.directory_map, name="map"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/", views_profile.profile, name="profile"),
    path("<int:pk>/modifier/", views_profile.edit, name="edit"),
    path("<int:pk>/competences/", views_profile.add_competence, name="add_competence"),
    path(
        "<int:pk>/competences/<int:competence_pk>/retirer/",
        views_profile.delete_competence,
        name="delete_competence",
    ),
    path("<int:pk>/capacites/", views_profile.add_capacity, name="add_capacity"),
    path("<int:pk>/zones/", views_profile.add_area, name="add_area"),
    path("<int:pk>/zones/<int:area_pk>/retirer/", views_profile.delete_area, name="delete_area"),
    path("<int:pk>/notes/", views_profile.add_note, name="add_note"),
    path("<int:pk>/contacts/", views_contacts.add_contact, name="add_contact"),
    path("<int:pk>/contacts/<int:contact_pk>/modifier/", views_contacts.edit_contact, name="edit_contact"),
    path("<int:pk>/contacts/<int:contact_pk>/retirer/", views_contacts.delete_contact, name="delete_contact"),
]
