from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organisation, PhoneNumber
from schedules.models import HolidaySchedule, TimeSchedule

from .domain.audio import tone_wav
from .forms.destination import DestinationValue
from .models import (
    DirectoryEntry,
    EntryKind,
    HuntGroup,
    HuntGroupMember,
    IvrMenu,
    NightMode,
    NightModeSetting,
    PbxUser,
)
from .services import hunt_groups as hunt_group_services
from .services import ivr as ivr_services
from .services import night_mode as services
from .services import users as user_services

# Twelve PBX users of the bakery: (first, last, extension, has an external number, voicemail
# e-mail, copy e-mail, night mode).
DEMO_USERS = [
    ("Sanne", "de Vries", "201", True, "sanne@bakkerij.example", "kantoor@bakkerij.example", "follow"),
    ("Kees", "de Vries", "202", True, "kees@bakkerij.example", "", "follow"),
    ("Fatima", "El Amrani", "203", True, "fatima@bakkerij.example", "", "off"),
    ("Jeroen", "Bakker", "204", False, "", "", "follow"),
    ("Lotte", "Jansen", "205", True, "lotte@bakkerij.example", "kantoor@bakkerij.example", "follow"),
    ("Mohamed", "Yilmaz", "206", False, "", "", "on"),
    ("Anouk", "Visser", "207", False, "anouk@bakkerij.example", "", "follow"),
    ("Daan", "Smit", "208", True, "", "", "follow"),
    ("Eva", "Mulder", "209", False, "", "", "off"),
    ("Thomas", "de Boer", "210", False, "thomas@bakkerij.example", "", "follow"),
    ("Winkel", "Centrum", "220", True, "winkel@bakkerij.example", "kantoor@bakkerij.example", "on"),
    ("Bezorgdienst", "De Vries", "230", False, "", "", "follow"),
]


def load(organisations: dict[str, Organisation]) -> None:
    bakkerij = organisations["bakkerij"]
    if not NightMode.objects.filter(organisation=bakkerij).exists():
        services.night_mode_update(
            organisation=bakkerij,
            by=None,
            setting=NightModeSetting.AUTO,
            time_schedule=TimeSchedule.objects.get(organisation=bakkerij, name="Openingstijden"),
            holiday_schedule=HolidaySchedule.objects.filter(organisation=bakkerij).order_by("-pk").first(),
        )
    if not PbxUser.objects.filter(organisation=bakkerij).exists():
        _load_users(bakkerij)
    if not HuntGroup.objects.filter(organisation=bakkerij).exists():
        _load_hunt_groups(bakkerij)
    if not IvrMenu.objects.filter(organisation=bakkerij).exists():
        _load_ivr_menu(bakkerij)


# Three hunt groups: (name, extension, distribution, member extensions, overflow to voicemail).
DEMO_HUNT_GROUPS = [
    ("Verkoop", "300", "circular", ["201", "202", "205", "207"], True),
    ("Service", "301", "simultaneous", ["203", "208", "209"], True),
    # No forward after waiting time yet: its page shows the warning.
    ("Receptie", "302", "fixed_order", ["220", "201"], False),
]


def _load_hunt_groups(bakkerij: Organisation) -> None:
    entries = {user.entry.extension: user.entry for user in PbxUser.objects.filter(organisation=bakkerij)}
    for name, extension, distribution, members, overflow in DEMO_HUNT_GROUPS:
        values: dict[str, Any] = {
            "first_name": name,
            "last_name": "Bakkerij De Vries",
            "distribution": distribution,
        }
        if overflow:
            values["overflow_to"] = DestinationValue("voicemail")
        group = hunt_group_services.hunt_group_create(
            organisation=bakkerij, by=None, name=name, extension=extension, values=values
        )
        hunt_group_services.hunt_group_set_members(
            group=group, by=None, members=[entries[member].pk for member in members if member in entries]
        )
    # Who answered Verkoop's calls lately, so its ring order starts after Kees (circular).
    now = timezone.now()
    verkoop = HuntGroupMember.objects.filter(group__organisation=bakkerij, group__entry__name="Verkoop")
    for minutes, extension in ((50, "201"), (20, "205"), (5, "202")):
        verkoop.filter(member__extension=extension).update(last_call_at=now - timedelta(minutes=minutes))


# Where Hoofdmenu's keys go: the hunt group of that name, or else the user with that extension.
DEMO_IVR_TARGETS = {"Verkoop": "201", "Service": "202", "Receptie": "220"}
ON_CALL_MOBILE = "+31612345678"


def _load_ivr_menu(bakkerij: Organisation) -> None:
    """ "Hoofdmenu" on the main number (the pool's first): 1 Verkoop, 2 Service, 0 and reception
    Receptie; after hours 1 for the company voicemail, 2 for the on-call mobile; night mode follows
    the company."""
    entries = DirectoryEntry.objects.filter(organisation=bakkerij)
    targets = {}
    for name, extension in DEMO_IVR_TARGETS.items():
        entry = entries.filter(kind=EntryKind.HUNT_GROUP, name=name).first()
        entry = entry or entries.filter(kind=EntryKind.USER, extension=extension).first()
        if entry is not None:
            targets[name] = DestinationValue("entry", entry)
    main_number = PhoneNumber.objects.filter(organisation=bakkerij, directory_entry__isnull=True).order_by(
        "number"
    )
    menu = ivr_services.ivr_menu_create(
        organisation=bakkerij,
        by=None,
        name="Hoofdmenu",
        first_name="Bakkerij",
        last_name="De Vries",
        extension="400",
        phone_number=main_number.first(),
        time_schedule=TimeSchedule.objects.get(organisation=bakkerij, name="Openingstijden"),
        holiday_schedule=HolidaySchedule.objects.filter(organisation=bakkerij).order_by("-pk").first(),
    )
    keys = [
        ivr_services.KeyChoice("business", key, "announce", targets[name])
        for key, name in (("1", "Verkoop"), ("2", "Service"), ("0", "Receptie"))
        if name in targets
    ]
    keys += [
        ivr_services.KeyChoice("after", "1", "silent", DestinationValue("voicemail")),
        ivr_services.KeyChoice("after", "2", "announce", DestinationValue("external", None, ON_CALL_MOBILE)),
    ]
    values: dict[str, Any] = {"after_reception": DestinationValue("voicemail")}
    if "Receptie" in targets:
        values["business_reception"] = targets["Receptie"]
    ivr_services.ivr_menu_update(menu=menu, by=None, values=values, keys=keys)
    for part, frequency in (("business", 660.0), ("after", 392.0)):
        greeting = SimpleUploadedFile(f"keuzemenu-{part}.wav", tone_wav(2.0, frequency=frequency))
        ivr_services.ivr_menu_set_greeting(menu=menu, by=None, part=part, upload=greeting)


def _load_users(bakkerij: Organisation) -> None:
    # The last numbers of the pool, so the first ones stay free to try the number choice with.
    numbers = list(PhoneNumber.objects.filter(organisation=bakkerij).order_by("-number"))
    users: dict[str, PbxUser] = {}
    for first, last, extension, external, email, copy, night in DEMO_USERS:
        users[extension] = user_services.pbx_user_create(
            organisation=bakkerij,
            by=None,
            first_name=first,
            last_name=last,
            extension=extension,
            phone_number=numbers.pop(0) if external and numbers else None,
            values={
                "voicemail_enabled": bool(email),
                "voicemail_email": email,
                "voicemail_copy_email": copy,
                "night_mode": night,
            },
        )

    def to(extension: str) -> DestinationValue:
        return DestinationValue("entry", users[extension].entry)

    forwards: dict[str, dict[str, Any]] = {
        "201": {"forward_no_answer": to("202"), "forward_no_answer_seconds": 15},
        "202": {"forward_busy": DestinationValue("voicemail"), "forward_unreachable": to("201")},
        "204": {"forward_always": DestinationValue("external", None, "+31612345678")},
        "206": {"forward_no_answer": to("220"), "forward_unreachable": DestinationValue("voicemail")},
        "208": {"forward_unreachable": DestinationValue("external", None, "+31687654321")},
        "220": {"no_messages": True, "after_greeting": "forward", "after_greeting_to": to("201")},
        "230": {"forward_always": to("220")},
    }
    for extension, values in forwards.items():
        user_services.pbx_user_update(user=users[extension], by=None, values=values)
    for extension, frequency in (("201", 440.0), ("220", 523.0)):
        greeting = SimpleUploadedFile("begroeting.wav", tone_wav(1.5, frequency=frequency))
        user_services.pbx_user_set_greeting(user=users[extension], by=None, upload=greeting)
