"""The main menu, declared once: which pages it lists, in which group, for whom.

The bar shows the pages people open every day; the rest sit in a few named groups that
open as drop-downs. A group with only one page a person may open is shown as that page's
link, so a seller's bar is as short as their work. Who sees an entry is the capability its
page's ``@policy`` requires (accounts.capabilities), or a role list where the page itself
serves several roles differently. A view marks its entry with ``"nav": KEY`` in the
template context; the entry (and its group) is then shown as the current page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.roles import Role


def everyone(user) -> bool:
    return True


def roles(*names: str) -> Callable[[object], bool]:
    return lambda user: bool(user.is_superuser or user.role in names)


def management(user) -> bool:
    return MANAGEMENT.held_by(user)


def not_management(user) -> bool:
    return not MANAGEMENT.held_by(user)


def staff(user) -> bool:
    return bool(user.is_staff)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Promise
    key: str  # the "nav" value of the views that belong to it
    shown_to: Callable[[object], bool] = everyone


@dataclass(frozen=True)
class Group:
    label: Promise | None  # None: the entries stand on the bar itself
    entries: tuple[Entry, ...]


MENU: tuple[Group, ...] = (
    Group(None, (
        Entry("portfolio:dashboard", _("Portfolio"), "dashboard"),
        Entry("clients:list", _("Clients"), "clients"),
        Entry("agenda:mine", _("Agenda"), "agenda",
              roles(Role.SELLER, Role.MANAGER, Role.DIRECTOR)),
        Entry("field:app", _("Field app"), "field", roles(Role.SELLER)),
        Entry("review:page", _("Review"), "review"),
    )),
    Group(_("Manage"), (
        Entry("plans:matrix", _("Action plan"), "plans", management),
        Entry("distribution:index", _("Distribution"), "distribution", management),
        Entry("goals:grid", _("Goals"), "goals", management),
        Entry("goals:performance", _("Performance"), "goals", not_management),
        Entry("territory:map", _("Map"), "map"),
        Entry("complaints:queue", _("Complaints"), "complaints"),
        Entry("field:team", _("Field visits"), "field_team", management),
    )),
    Group(_("Grow"), (
        Entry("leads:list", _("Leads"), "leads"),
        Entry("leads:funnel", _("Prospecting funnel"), "funnel", management),
        Entry("value:valuation", _("Value"), "value", management),
        Entry("credit:aging", _("Receivables"), "credit", management),
    )),
    Group(_("Data"), (
        Entry("imports:upload", _("Import"), "imports", management),
        Entry("hygiene:index", _("Data quality"), "hygiene"),
        Entry("api:tokens", _("API"), "api"),
        Entry("admin:index", _("Back office"), "admin", staff),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    url: str
    label: Promise
    current: bool


@dataclass(frozen=True)
class ShownGroup:
    label: Promise | None
    links: tuple[Link, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def is_dropdown(self) -> bool:
        return self.label is not None and len(self.links) > 1


def menu_for(user, current: str | None) -> list[ShownGroup]:
    """The groups this person sees, with only the entries they may open; empty groups go."""
    shown = []
    for group in MENU:
        links = tuple(
            Link(reverse(entry.url_name), entry.label, entry.key == current)
            for entry in group.entries
            if entry.shown_to(user)
        )
        if links:
            shown.append(ShownGroup(group.label, links))
    return shown
