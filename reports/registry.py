"""The one place where the reports' plug-ins are registered: indicators,
veto kinds, notice sections, dashboard panels, ranking sheets and exporters.

A feature module registers what it brings with the decorators below; the
reports app's ``ready()`` runs :func:`registries_load` once, which imports
every module listed in ``REGISTERING_MODULES``. Nothing is registered as the
side effect of importing something else, and this module imports nothing of
the reports app at run time, so it cannot take part in an import cycle.

Adding an indicator: write the class in the feature's module under
``reports/scoring/``, decorate it with ``@indicator`` and, for a new module,
add the module to ``REGISTERING_MODULES``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.utils.functional import Promise

if TYPE_CHECKING:  # types only: never imported at run time (see the module's docstring)
    from jianfu.xlsx import Sheet
    from reports.dashboard.panels import Panel
    from reports.exports.base import Exporter
    from reports.exports.notice import Section
    from reports.scoring.indicators import Indicator
    from reports.scoring.models import ScoreRun
    from schools.models import Semester

T = TypeVar("T")

# The modules whose decorators fill the registries, imported once by the
# reports app's ready(). One line per feature module.
REGISTERING_MODULES = (
    "reports.scoring.visits",
    "reports.scoring.complaints",
    "reports.scoring.filings",
    "reports.scoring.records",
    "reports.exports.notice",
    "reports.exports.rankings",
    "reports.exports.notices",
    "reports.exports.audit",
    "reports.exports.register_lists",
    "reports.exports.model_schools",
    "reports.dashboard.panels",
    # Subjects of other apps that add to the reports.
    "supervision.institutions.exports",
    "supervision.institutions.report_sections",
    "supervision.surveys.exports",
    "supervision.surveys.scoring",
)


class Registry(Generic[T]):
    """Named entries in a stated order (then in the order they came)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._entries: dict[str, tuple[int, int, T]] = {}
        self._counter = 0

    def add(self, key: str, item: T, *, order: int = 0) -> T:
        # Registering a key again replaces the entry (a module re-imported by
        # the autoreloader), keeping one entry per key.
        self._counter += 1
        self._entries[key] = (order, self._counter, item)
        return item

    def remove(self, key: str) -> None:
        self._entries.pop(key, None)

    @contextlib.contextmanager
    def temporarily(self, key: str, item: T, *, order: int = 0) -> Iterator[T]:
        """An entry that exists only inside the ``with`` block (tests)."""
        previous = self._entries.get(key)
        self.add(key, item, order=order)
        try:
            yield item
        finally:
            if previous is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = previous

    def items(self) -> list[tuple[str, T]]:
        return [(k, e[2]) for k, e in sorted(self._entries.items(), key=lambda kv: kv[1][:2])]

    def values(self) -> list[T]:
        return [item for _key, item in self.items()]

    def keys(self) -> list[str]:
        return [key for key, _item in self.items()]

    def get(self, key: str, default: T | None = None) -> T | None:
        entry = self._entries.get(key)
        return entry[2] if entry is not None else default

    def __getitem__(self, key: str) -> T:
        return self._entries[key][2]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.label}: {', '.join(self.keys())}>"


VetoChecker = Callable[["Semester", list[int], dict[str, Any]], dict[int, str]]
SectionMaker = Callable[["Semester", "ScoreRun", dict[str, Any]], "Section | None"]
PanelMaker = Callable[[Any, "Semester"], "Panel | None"]
SheetMaker = Callable[[dict[str, Any], "ScoreRun"], "Sheet"]


@dataclass(frozen=True)
class VetoKind:
    """A kind of one-vote-veto check; ``VetoRule`` rows name it and give its
    parameters. ``check`` finds the vetoes that apply; ``pending``, for
    kinds whose findings bureau staff must confirm first (a supervisor's mark
    on a visit), finds those still waiting: shown, never applied."""

    key: str
    label: str | Promise
    check: VetoChecker
    pending: VetoChecker | None = None


indicators: Registry[Indicator] = Registry("indicators")
veto_kinds: Registry[VetoKind] = Registry("veto kinds")
notice_sections: Registry[SectionMaker] = Registry("notice sections")
dashboard_panels: Registry[PanelMaker] = Registry("dashboard panels")
ranking_sheets: Registry[SheetMaker] = Registry("ranking sheets")
exporters: Registry[Exporter] = Registry("exporters")

IndicatorClass = TypeVar("IndicatorClass", bound="type[Indicator]")
ExporterClass = TypeVar("ExporterClass", bound="type[Exporter]")
F = TypeVar("F", bound=Callable[..., Any])


def _key(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def indicator(cls: IndicatorClass) -> IndicatorClass:
    """Register an indicator class (one instance, under its ``key``)."""
    indicators.add(cls.key, cls())
    return cls


def veto_kind(key: str, label: str | Promise, *, pending: VetoChecker | None = None) -> Callable[[F], F]:
    def register(fn: F) -> F:
        veto_kinds.add(key, VetoKind(key, label, fn, pending))
        return fn

    return register


def notice_section(order: int) -> Callable[[F], F]:
    """A section of the semester notice; sections appear by ``order``."""

    def register(fn: F) -> F:
        notice_sections.add(_key(fn), fn, order=order)
        return fn

    return register


def dashboard_panel(order: int) -> Callable[[F], F]:
    def register(fn: F) -> F:
        dashboard_panels.add(_key(fn), fn, order=order)
        return fn

    return register


def ranking_sheet(order: int) -> Callable[[F], F]:
    """A sheet the ranking workbook adds after its own two."""

    def register(fn: F) -> F:
        ranking_sheets.add(_key(fn), fn, order=order)
        return fn

    return register


def exporter(cls: ExporterClass) -> ExporterClass:
    """Register an exporter class (one instance, under its ``identifier``)."""
    exporters.add(cls.identifier, cls())
    return cls


def registries_load() -> None:
    """Import every registering module once (the reports app's ready())."""
    for module in REGISTERING_MODULES:
        import_module(module)
