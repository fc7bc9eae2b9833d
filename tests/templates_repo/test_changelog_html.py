"""A changelog is Markdown shown as HTML: lists, emphasis and code, never a script or a javascript: link."""

from templates_repo.templatetags.changelog import changelog


def test_markdown_becomes_html():
    html = changelog("- **Pindah OPD**: petugas memindahkan laporan.\n- `make run` tanpa demo.")
    assert html == (
        "<ul>\n<li><strong>Pindah OPD</strong>: petugas memindahkan laporan.</li>\n"
        "<li><code>make run</code> tanpa demo.</li>\n</ul>\n"
    )


def test_nothing_runs():
    html = changelog(
        "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
        "[aman](https://lumbung.example/)"
    )
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text
    assert '<a href="https://lumbung.example/" rel="nofollow noopener noreferrer">aman</a>' in html
