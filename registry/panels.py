"""Page panels: how a lower app's page shows something of a higher app without the higher app
registering the page again.

A page that can be extended places ``{% page_panels "<page>" object %}`` (from ``registry_panels``)
where the panels go. A higher app registers, in its ``AppConfig.ready()``, a panel for that page: a
template and a function of ``(request, object)`` that returns the template's context (from a selector
of the higher app), or ``None`` to show nothing. The page's view stays the one of the app that owns the
object; each app answers for its own data and queries.

Pages that take panels (name: where the panels go):

- ``registry:home``: the home page, under the search box (object: None; catalog: the most reused apps;
  templates_repo: the newest copies and replications, then the national figures with a chart).
- ``registry:region-detail``: after the region's figures (catalog: the apps it built and uses;
  templates_repo: a chart of what it built and reuses, per category).
- ``registry:mou-detail``: after the parties (catalog: the apps the MoU covers).
- ``catalog:app-detail``: under the app's title (templates_repo: the "spin up a copy" button).
- ``catalog:app-detail:contacts``: in "Who to ask" (replication: the app's mentor contacts).
- ``catalog:app-detail:replications``: after "Who uses it" (replication: the mentoring offer, the app's
  replications with their outcome, public answers; templates_repo: its reuse over time and on the map).
- ``replication:replication-detail``: at the end of a replication's page (templates_repo: its copies).
- ``registry:workspace:todo``: in "Waiting for you" of a region's workspace (replication: requests,
  open questions, action items due; catalog: adoptions to confirm).
- ``registry:workspace``: after it (replication: the region's replications per side; templates_repo:
  all its copies, by page; catalog: its apps and "add our app"; templates_repo: the chart of what it
  built and reuses).

Why a registry and not template inheritance: with ``{% extends %}`` the higher app must also own the
view that picks its template, which is how the same URL came to be registered twice; and two higher
apps could never both extend one page. A registry lets any number of apps add to a page in a stated
order, keeps the dependency direction (registry <- catalog <- replication <- templates_repo), and the
page's owner keeps its view.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Model], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """One block of a page, filled by an app that may not be imported by the page's own app."""

    page: str
    template: str
    context: PanelContext
    order: int = 100


_panels: dict[str, dict[str, Panel]] = {}


def register_panel(page: str, *, template: str, context: PanelContext, order: int = 100) -> None:
    """Shows ``template`` on ``page`` with the context ``context(request, object)`` returns.

    A template is registered once per page: registering it again (a second ``ready()``) replaces it.
    Panels are shown by ``order``, then in the order they were registered.
    """
    _panels.setdefault(page, {})[template] = Panel(page, template, context, order)


def panels_for(page: str) -> list[Panel]:
    return sorted(_panels.get(page, {}).values(), key=lambda panel: panel.order)
