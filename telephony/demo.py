from accounts.models import Organisation

from . import services
from .models import CallBarring


def load(organisations: dict[str, Organisation]) -> None:
    bakkerij = organisations["bakkerij"]
    if not CallBarring.objects.filter(organisation=bakkerij).exists():
        services.call_barring_update(
            organisation=bakkerij, by=None, erotic_0906=True, entertainment_0909=True
        )
