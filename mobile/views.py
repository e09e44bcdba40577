from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import PortalRequest, product_required


@require_GET
@product_required("mobile")
def index(request: PortalRequest) -> HttpResponse:
    return render(request, "mobile/index.html")
