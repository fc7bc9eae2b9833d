"""The catalog search's parts: the synonym file and parsing, what an app's search document holds, typo
correction and the help a search that finds nothing gets (the relevance set is test_relevance.py)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from catalog import search
from catalog.models import App
from catalog.search import vocabulary
from tests import factories


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_synonym_file_groups_terms_and_abbreviations():
    table = search.synonyms()
    assert {"aduan", "keluhan", "laporan", "complaint"} <= set(table["pengaduan"])
    assert "pengaduan" in table["keluhan"]
    assert "pejabat pengelola informasi dan dokumentasi" in table["ppid"]
    assert "ppid" in table["pejabat pengelola informasi dan dokumentasi"]
    # A term in two groups gets both.
    assert {"pelayanan informasi publik", "informasi publik"} <= set(table["pip"])


def test_parse_joins_phrases_drops_generic_words_and_excludes():
    query = search.parse('Aplikasi  BANTUAN kematian -jalan "dinas sosial"')
    assert [term.text for term in query.included] == ["bantuan kematian", "dinas sosial"]
    assert "santunan kematian" in query.included[0].alternatives
    assert [term.text for term in query.excluded] == ["jalan"]
    # Only generic words: they are kept.
    assert [term.text for term in search.parse("aplikasi").included] == ["aplikasi"]
    assert not search.parse("   ")
    assert len(search.parse(" ".join(f"kata{i}" for i in range(20))).terms) == vocabulary.MAX_TERMS


def test_an_equivalent_phrase_matches_its_words_and_a_typed_phrase_matches_as_typed(regions):
    # "bansos" = "bantuan sosial" (synonyms.txt): the equivalent matches both words anywhere (the text index
    # answers that without reading the apps' texts again); what is typed between quotes matches as typed.
    factories.AppFactory(name="Bantuan Sosial Tunai", slug="adjacent")
    factories.AppFactory(name="Bantuan Pangan", short_description="Layanan sosial bagi lansia.", slug="apart")
    factories.AppFactory(name="Bantuan Hukum", slug="one-word-only")

    def found(value):
        return set(search.filter_apps(App.objects.all(), value).values_list("slug", flat=True))

    assert found("bansos") == {"adjacent", "apart"}
    assert found('"bantuan sosial"') == {"adjacent"}


@pytest.mark.django_db
def test_search_document_holds_labels_reusing_regions_and_templates(regions, media_root):
    from templates_repo import services as template_services

    call_command("load_demo")
    template_services.template_sync()
    pelaporan = App.objects.get(slug="program-pelaporan-kota-semarang")
    document = pelaporan.search_document
    assert "complaints (pengaduan)" in document  # the category label in English
    assert "aplikasi umum" in document  # the SPBE label
    assert "kabupaten batang" in document  # Batang plans to reuse it
    assert "pengaduan masyarakat" in document and "kode tiket" in document  # its template
    grms = App.objects.get(slug="grms-jawa-tengah")
    assert "e-planning musrenbang" in grms.search_document


@pytest.mark.django_db
def test_a_new_adoption_makes_the_app_found_by_the_reusing_region(regions):
    app = factories.AppFactory(name="Sistem Arsip", owner_region=factories.region("33.74"))
    assert "bontang" not in App.objects.get(pk=app.pk).search_document
    from catalog import services

    services.adoption_record_unverified(app=app, region=factories.region("64.74"), stage="planned")
    assert "bontang" in App.objects.get(pk=app.pk).search_document


@pytest.mark.django_db
def test_a_typo_is_corrected_only_when_nothing_is_found(regions):
    factories.AppFactory(name="Pengaduan Warga", slug="pengaduan", short_description="Kanal pengaduan.")
    factories.AppFactory(
        name="Pengadaan Barang", slug="pengadaan", short_description="Lelang.", category="pengadaan"
    )

    def found(value):
        return list(
            search.filter_apps(App.objects.all(), value).order_by("-rank").values_list("slug", flat=True)
        )

    # One letter from both: both are found (a person then sees which they meant).
    assert set(found("pengadoan")) == {"pengaduan", "pengadaan"}
    assert found("pengaduxn") == ["pengaduan"]
    # A word that finds something is not corrected into others.
    assert found("pengadaan") == ["pengadaan"]
    corrected = search.correct(search.parse("semarnag"))
    assert "semarang" in corrected.included[0].alternatives


@pytest.mark.django_db
def test_prefix_finds_while_typing(regions):
    factories.AppFactory(name="Musrenbang Desa", slug="musrenbang")
    factories.AppFactory(name="Perencanaan Kelurahan", slug="perencanaan")

    def found(value):
        return list(search.filter_apps(App.objects.all(), value).values_list("slug", flat=True))

    assert found("musren") == ["musrenbang"]
    # An affix and part of the stem (Indonesian stem "encana"): the unstemmed words take the prefix on
    # PostgreSQL; too far from any word for a typo correction to be what finds it.
    assert found("perenc") == ["perencanaan"]


@pytest.mark.django_db
def test_nothing_found_suggests_terms_and_categories(client, regions):
    factories.AppFactory(name="Pengaduan Warga", slug="pengaduan")
    page = client.get("/aplikasi/", {"search": "pengadxyzq"})
    assert page.status_code == 200 and page.context["apps"] == []
    html = page.text
    assert "search-help" in html
    assert "?category=pengaduan" in html
    help_ = page.context["search_help"]
    assert help_["categories"]
    page = client.get("/aplikasi/", {"search": "pengaduxn"})
    assert [app["slug"] for app in page.context["apps"]] == ["pengaduan"]  # corrected, not suggested
    assert page.context["search_help"] is None


@pytest.mark.django_db
def test_a_search_finding_more_than_the_window_ranks_its_most_adopted_and_says_so(api, regions, monkeypatch):
    """Past SEARCH_WINDOW matches, a search works on the most adopted of them: the count stops at the
    window, `count_capped` says more apps match, the page says so too."""
    monkeypatch.setattr("catalog.search.query.SEARCH_WINDOW", 3)
    for n, adopted in enumerate([5, 0, 9, 2, 7]):
        factories.AppFactory(name=f"Layanan Aduan {n}", slug=f"aduan-{n}", adoption_count=adopted)
    factories.AppFactory(name="Antrean Puskesmas", slug="antrean", adoption_count=50)
    body = api.get("/api/v1/apps/", {"search": "aduan"}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert {item["slug"] for item in body["results"]} <= {"aduan-2", "aduan-4", "aduan-0", "aduan-3"}
    assert len(body["results"]) == 3
    facets = api.get("/api/v1/apps/facets/", {"search": "aduan"}).json()
    assert (facets["count"], facets["count_capped"]) == (3, True)
    assert sum(item["count"] for item in facets["facets"]["category"]) == 4  # the window's apps
    page = api.get("/aplikasi/", {"search": "aduan"})
    assert "More than 3 apps" in page.content.decode() or "Lebih dari 3 aplikasi" in page.content.decode()
    narrow = api.get("/api/v1/apps/", {"search": "antrean"}).json()
    assert (narrow["count"], narrow["count_capped"]) == (1, False)


@pytest.mark.django_db
@pytest.mark.parametrize("share", [0.0, 1.0])
def test_both_ways_of_picking_the_window_pick_the_same_apps(api, regions, monkeypatch, share):
    """Dense searches walk the most-adopted index, others sort their matches (PostgreSQL chooses by its
    estimate): the window is the same apps either way."""
    monkeypatch.setattr("catalog.search.query.SEARCH_WINDOW", 3)
    monkeypatch.setattr("catalog.search.query.DENSE_SHARE", share)
    for n, adopted in enumerate([5, 0, 9, 2, 7, 9]):
        factories.AppFactory(name=f"Layanan Aduan {n}", slug=f"aduan-{n}", adoption_count=adopted)
    body = api.get("/api/v1/apps/", {"search": "aduan", "ordering": "adopted"}).json()
    assert [item["slug"] for item in body["results"]] == ["aduan-2", "aduan-5", "aduan-4"]


@pytest.mark.django_db
def test_typo_words_follow_the_catalog_version(regions, django_capture_on_commit_callbacks):
    """The process keeps its copy of the app-name words while the catalog version is the same; a new app
    (which bumps it) is known to the next misspelt search."""
    from catalog.search import typos

    assert "kolaborasi" not in typos.known_words()
    with django_capture_on_commit_callbacks(execute=True):
        factories.AppFactory(name="Kolaborasi Warga", slug="kolaborasi")
        from catalog.cache import catalog_changed

        catalog_changed()
    assert "kolaborasi" in typos.known_words()
