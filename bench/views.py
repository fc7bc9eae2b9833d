"""Reference views for the benchmarks, mounted only when LUMBUNG_BENCH=1 (see config/urls.py).

`bare` is the baseline every ratio is measured against: a JsonResponse through the same middleware
and server. `icontains` is the naive search the real one is compared with. `enqueue` is the floor of the
fork pipeline: a POST that only queues a no-op task, through the same server, broker and workers.
"""

import uuid

from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.models import App


def bare(request):
    return JsonResponse({"ok": True})


def icontains(request):
    term = request.GET.get("q", "")
    queryset = App.objects.filter(
        Q(name__icontains=term) | Q(short_description__icontains=term) | Q(long_description__icontains=term)
    )
    rows = list(queryset.order_by("name", "id").values("slug", "name", "short_description")[:20])
    return JsonResponse({"count": queryset.count(), "results": rows})


@csrf_exempt
@require_POST
def enqueue(request):
    from .tasks import record_start

    key = f"bench:enqueue:{uuid.uuid4()}"
    record_start.delay(key)
    return JsonResponse({"key": key}, status=202)
