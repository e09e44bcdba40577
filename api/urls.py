"""/api/v1/…: the JSON API (R10.5) with its OpenAPI description and documentation page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import base, docs, hunt_groups, night_mode, users

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("hunt-groups/", hunt_groups.HuntGroupList.as_view(), name="hunt_groups"),
    path("hunt-groups/<id:pk>/", hunt_groups.HuntGroupDetail.as_view(), name="hunt_group"),
    path("hunt-groups/<id:pk>/members/", hunt_groups.HuntGroupMembers.as_view(), name="hunt_group_members"),
    path("users/", users.PbxUserList.as_view(), name="users"),
    path("users/<id:pk>/", users.PbxUserDetail.as_view(), name="user"),
    path("night-mode/", night_mode.NightModeView.as_view(), name="night_mode"),
    path("night-mode/switch/", night_mode.NightModeSwitch.as_view(), name="night_mode_switch"),
    path("sync-status/", night_mode.SyncStatusView.as_view(), name="sync_status"),
    # Last: every other address under /api/v1/ is a JSON 404.
    path("<path:rest>", base.not_found, name="not_found"),
]
