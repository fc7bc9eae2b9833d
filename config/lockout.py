"""What a client sees when django-axes refuses a login: a page on /masuk/ and the admin, JSON on the API.

Axes flags the request when a username has failed too often from one IP address; its middleware then
calls `lockout_response` (settings.AXES_LOCKOUT_CALLABLE) in place of the login view's own answer.
"""

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed sign-in attempts. This account is locked from this network for %(minutes)s "
        "minute; try again later, or ask a Lumbung administrator to unlock it.",
        "Too many failed sign-in attempts. This account is locked from this network for %(minutes)s "
        "minutes; try again later, or ask a Lumbung administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, (seconds + 59) // 60)
    message = lockout_message(minutes)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"message": message, "failure_limit": get_failure_limit(request, credentials)}
        if request.path.startswith(f"/{admin.site.name}/"):
            context.update(admin.site.each_context(request))
            template = "admin/locked_out.html"
        else:
            template = "registration/locked_out.html"
        response = render(request, template, context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
