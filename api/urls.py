"""/api/v1/…: the JSON API (R10.5) with its OpenAPI description and documentation page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from .views import base, docs, hunt_groups, ivr, mobile, night_mode, organisation, schedules, users

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("organisation/", organisation.OrganisationView.as_view(), name="organisation"),
    path("numbers/", organisation.NumberList.as_view(), name="numbers"),
    path("directory/", organisation.DirectoryList.as_view(), name="directory"),
    path("call-barring/", organisation.CallBarringView.as_view(), name="call_barring"),
    path("time-schedules/", schedules.TimeScheduleList.as_view(), name="time_schedules"),
    path("time-schedules/<id:pk>/", schedules.TimeScheduleDetail.as_view(), name="time_schedule"),
    path("holiday-schedules/", schedules.HolidayScheduleList.as_view(), name="holiday_schedules"),
    path("holiday-schedules/<id:pk>/", schedules.HolidayScheduleDetail.as_view(), name="holiday_schedule"),
    path("hunt-groups/", hunt_groups.HuntGroupList.as_view(), name="hunt_groups"),
    path("hunt-groups/<id:pk>/", hunt_groups.HuntGroupDetail.as_view(), name="hunt_group"),
    path("hunt-groups/<id:pk>/members/", hunt_groups.HuntGroupMembers.as_view(), name="hunt_group_members"),
    path("ivr-menus/", ivr.IvrMenuList.as_view(), name="ivr_menus"),
    path("ivr-menus/<id:pk>/", ivr.IvrMenuDetail.as_view(), name="ivr_menu"),
    path("users/", users.PbxUserList.as_view(), name="users"),
    path("users/<id:pk>/", users.PbxUserDetail.as_view(), name="user"),
    path("subscriptions/", mobile.SubscriptionList.as_view(), name="subscriptions"),
    path("subscriptions/<id:pk>/", mobile.SubscriptionDetail.as_view(), name="subscription"),
    path("subscriptions/<id:pk>/voicemail/", mobile.VoicemailView.as_view(), name="subscription_voicemail"),
    path("night-mode/", night_mode.NightModeView.as_view(), name="night_mode"),
    path("night-mode/switch/", night_mode.NightModeSwitch.as_view(), name="night_mode_switch"),
    path("sync-status/", night_mode.SyncStatusView.as_view(), name="sync_status"),
    # Last: every other address under /api/v1/ is a JSON 404.
    # [\s\S]: any character, a newline too
    re_path(r"^(?P<rest>[\s\S]*)$", base.not_found, name="not_found"),
]
