"""The relevance set (tests/catalog/relevance.yaml): recall at 5 of the catalog search over the demo catalog,
through AppFilterSet (what the list page, the API and /cari/ use). Runs on the database of the session, so CI
checks it on SQLite and on PostgreSQL."""

from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command

from catalog import selectors
from templates_repo import services as template_services

pytestmark = pytest.mark.django_db

RELEVANCE_SET = Path(__file__).with_name("relevance.yaml")
TOP = 5
REQUIRED_RECALL = 0.95


def cases() -> list[dict]:
    return yaml.safe_load(RELEVANCE_SET.read_text(encoding="utf-8"))


def top_slugs(query: str) -> list[str]:
    filterset = selectors.app_filterset({"search": query})
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("slug", flat=True)[:TOP])


@pytest.fixture
def demo_catalog(regions, media_root):
    call_command("load_demo")
    template_services.template_sync()
    cache.clear()


def test_the_set_is_large_enough_and_well_formed():
    found = cases()
    assert len(found) >= 40
    for case in found:
        assert set(case) == {"query", "expect", "why"}, case
        assert case["expect"] and case["why"].strip(), case
    assert len({case["query"].lower() for case in found}) == len(found), "a query is listed twice"


def test_recall_at_5(demo_catalog, capsys):
    from catalog.models import App

    slugs = set(App.objects.values_list("slug", flat=True))
    expected = hits = 0
    misses = []
    for case in cases():
        assert set(case["expect"]) <= slugs, f"{case['query']!r} expects an app the demo lacks"
        found = top_slugs(case["query"])
        missing = [slug for slug in case["expect"] if slug not in found]
        expected += len(case["expect"])
        hits += len(case["expect"]) - len(missing)
        if missing:
            misses.append(f"  {case['query']!r}: missing {missing}, top {TOP}: {found}")
    recall = hits / expected
    report = f"recall@{TOP} = {recall:.3f} ({hits}/{expected}) over {len(cases())} queries"
    with capsys.disabled():
        print(f"\n{report}" + ("\n" + "\n".join(misses) if misses else ""))
    assert recall >= REQUIRED_RECALL, report + "\nmisses:\n" + "\n".join(misses)


def test_the_issues_examples(demo_catalog):
    assert {"program-pelaporan-kota-semarang", "laporgub"} <= set(top_slugs("pengaduan"))
    assert {"grms-jawa-tengah", "e-planning-e-budgeting-batang"} <= set(top_slugs("musrenbang"))
    assert {"program-pelaporan-kota-semarang", "laporgub"} <= set(top_slugs("pengadoan"))
