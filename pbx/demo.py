from accounts.models import Organisation
from schedules.models import HolidaySchedule, TimeSchedule

from .models import NightMode, NightModeSetting
from .services import night_mode as services


def load(organisations: dict[str, Organisation]) -> None:
    bakkerij = organisations["bakkerij"]
    if NightMode.objects.filter(organisation=bakkerij).exists():
        return
    services.night_mode_update(
        organisation=bakkerij,
        by=None,
        setting=NightModeSetting.AUTO,
        time_schedule=TimeSchedule.objects.get(organisation=bakkerij, name="Openingstijden"),
        holiday_schedule=HolidaySchedule.objects.filter(organisation=bakkerij).order_by("-pk").first(),
    )
