from django.urls import path

from . import urls_transfer, views

app_name = "mobile"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.subscription_detail, name="subscription"),
    path("instellingen/", views.mobile_settings, name="settings"),
    path("instellingen/toepassen/", views.mobile_settings_apply, name="settings_apply"),
    path("business-voicemail/", views.business_voicemail, name="business_voicemail"),
]
urlpatterns += urls_transfer.urlpatterns
