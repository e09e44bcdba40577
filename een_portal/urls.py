from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from accounts.staff import two_factor_required
from core.ids import IdConverter

# `<id:pk>` in every app's URLs: a number no row can have (30 digits) is a 404, not a 500.
register_converter(IdConverter, "id")

admin.site.site_header = _("ÉÉN beheerportaal — operator")
admin.site.site_title = _("ÉÉN beheerportaal")
# Staff log in through the same rate-limited allauth login as everyone else.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
# ... and never with a password alone: every admin page needs two-factor login.
admin.site.admin_view = two_factor_required(admin.site.admin_view)  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("telefoon/", include("telephony.urls")),
    path("telefooncentrale/schemas/", include("schedules.urls")),
    path("telefooncentrale/", include("pbx.urls")),
    path("mobiel/", include("mobile.urls")),
    path("geschiedenis/", include("core.urls_history")),
    path("api/v1/", include("api.urls")),
    path("mijn-gegevens/api-sleutels/", include("api.urls_tokens")),
    path("", include("accounts.urls")),
]

handler404 = "een_portal.errors.not_found"
handler403 = "een_portal.errors.forbidden"
handler500 = "een_portal.errors.server_error"
