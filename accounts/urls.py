from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisatie/wisselen/", views.switch_organisation, name="switch_organisation"),
    path("taal/", views.set_language, name="set_language"),
    path("instellingen/", views.organisation_settings, name="organisation_settings"),
    path("gebruikers/", views.members, name="members"),
    path("gebruikers/<id:pk>/rol/", views.member_role, name="member_role"),
    path("gebruikers/<id:pk>/deactiveren/", views.member_deactivate, name="member_deactivate"),
    path("gebruikers/<id:pk>/activeren/", views.member_reactivate, name="member_reactivate"),
    path("mijn-gegevens/", views.profile, name="profile"),
    path("uitnodiging/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
