"""The house plan (docs/architecture.md) holds: every model names its Chinese
term, the docs never send a reader outside the repository, and each subject
lives in one package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("jianfu", "schools", "supervision", "reports")
CJK = re.compile(r"[\u3400-\u9fff]")
REPOSITORY_DOCS = {p.name for p in ROOT.rglob("*.md") if ".venv" not in p.parts and "node_modules" not in p.parts}


@pytest.mark.parametrize("model", [m for m in apps.get_models() if m._meta.app_label in APPS], ids=str)
def test_every_model_names_its_chinese_term_first(model) -> None:  # type: ignore[no-untyped-def]
    doc = model.__dict__.get("__doc__") or ""
    first_line = doc.strip().splitlines()[0] if doc.strip() else ""
    assert not doc.startswith(model.__name__ + "("), f"{model._meta.label} has no docstring"
    assert CJK.search(first_line), f"{model._meta.label}: the docstring's first line names no Chinese term"


def test_docs_never_link_outside_the_repository() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench").glob("*.md"))]
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        assert "/work/" not in text and "/root/" not in text, doc
        # A document the text names is one a reader of the repository has:
        # a path under the repository, or the name of a file in it.
        for named in re.findall(r"[\w./-]*\w\.md\b", text):
            assert ".." not in Path(named).parts, (doc, named)
            assert (doc.parent / named).exists() or (ROOT / named).exists() or Path(named).name in REPOSITORY_DOCS, (
                doc,
                named,
            )
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (doc.parent / target).resolve().is_relative_to(ROOT), (doc, target)
            assert (doc.parent / target).exists(), (doc, target)


def test_code_names_only_documents_the_repository_has() -> None:
    """Comments and docstrings send a reader to documents in the repository."""
    for app in (*APPS, "bench"):
        for path in sorted((ROOT / app).rglob("*.py")):
            for named in re.findall(r"[\w./-]*\w\.md\b", path.read_text(encoding="utf-8")):
                assert ".." not in Path(named).parts, (path, named)
                assert (ROOT / named).exists() or Path(named).name in REPOSITORY_DOCS, (path, named)


def test_architecture_doc_answers_the_newcomer_questions() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for needle in ("overdue for its monthly visit", "who may see a complaint", "how a score is computed"):
        assert needle in text.lower(), needle
    # Every home it names exists.
    for path in set(re.findall(r"`((?:jianfu|schools|supervision|reports)/[\w/]+\.py)`", text)):
        assert (ROOT / path).exists(), path


def test_no_layer_modules_beside_subject_packages() -> None:
    """Inside an app: subject packages, not views_x.py / forms_x.py / services/ layers."""
    for app in ("schools", "supervision", "reports"):
        names = {p.name for p in (ROOT / app).iterdir()}
        assert not {"services", "selectors", "views", "forms"} & names, app
        assert not [n for n in names if re.match(r"(views|forms|admin|urls|demo)_\w+\.py$", n)], app
        # Nor a subject's module left at the app level under a prefix
        # (schools/filings_demo.py held the pledges' and self-checks' demo).
        assert not [n for n in names if re.match(r"\w+_(views|forms|admin|urls|demo|services|selectors)\.py$", n)], app


# Ways to take a day that is not the bureau's: the server's clock, UTC, or the
# UTC date of a stored time (Django loads aware datetimes in UTC).
NOT_THE_BUREAUS_DAY = re.compile(
    r"date\.today\(\)"
    r"|datetime\.now\(\)"
    r"|datetime\.utcnow\("
    r"|timezone\.now\(\)\.date\(\)"
    r"|(?:_at|_since|_time|now)\)?\.date\(\)"
)


def test_the_bureaus_day_is_always_the_local_date() -> None:
    """``timezone.localdate`` is the day everywhere (docs/architecture.md,
    "Where the rules live")."""
    assert NOT_THE_BUREAUS_DAY.search("x = row.closed_at.date()")
    assert NOT_THE_BUREAUS_DAY.search("today = datetime.date.today()")
    assert not NOT_THE_BUREAUS_DAY.search("today = timezone.localdate(row.closed_at)")
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NOT_THE_BUREAUS_DAY.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


DOTTED = re.compile(r"`~?((?:jianfu|schools|supervision|reports)(?:\.\w+)+)(?:\(\))?`")
NOT_CODE = {"jianfu.example.gov.cn"}  # a host name in the deployment guide


def _names_a_part_of_the_portal(name: str) -> bool:
    """A module or an object in one, a model by its app label
    (``schools.School``), a permission or a Celery task's name."""
    import importlib
    import importlib.util

    if name in NOT_CODE:
        return True
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module_name = ".".join(parts[:i])
        try:
            if importlib.util.find_spec(module_name) is None:
                continue
        except ModuleNotFoundError:
            continue
        if i == len(parts):
            return True
        obj: object = importlib.import_module(module_name)
        try:
            for attribute in parts[i:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            break
        return True
    app_label, _, rest = name.partition(".")
    if "." not in rest:
        if rest in {m.__name__ for m in apps.get_app_config(app_label).get_models()}:
            return True
        module = importlib.import_module(f"{app_label}.models")
        if isinstance(getattr(module, rest, None), type):
            return True  # a choices class re-exported by the app's models
        permissions = {
            codename
            for m in apps.get_app_config(app_label).get_models()
            for codename in [f"{a}_{m._meta.model_name}" for a in m._meta.default_permissions]
            + [p[0] for p in m._meta.permissions]
        }
        if rest in permissions:
            return True
    return name in _task_names()


def _task_names() -> set[str]:
    return {
        task
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        for task in re.findall(r"shared_task\([^)]*name=\"([\w.]+)\"", path.read_text(encoding="utf-8"))
    }


def test_dotted_names_in_code_and_docs_exist() -> None:
    """A module, function or model the docs or a docstring name in backquotes
    is one the code has: a newcomer following a name never hits a module that
    was moved away (``reports.scoring.builtin``)."""
    assert not _names_a_part_of_the_portal("reports.scoring.builtin")
    assert not _names_a_part_of_the_portal("supervision.visits.selectors.no_such_rule")
    assert _names_a_part_of_the_portal("supervision.visits.selectors.month_due_passed")
    assert _names_a_part_of_the_portal("schools.School")
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench").glob("*.md"))]
    sources = [p for app in (*APPS, "bench") for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {name}"
            for path in (*documents, *sources)
            for name in DOTTED.findall(path.read_text(encoding="utf-8"))
            if not _names_a_part_of_the_portal(name)
        }
    )
    assert not missing, "\n".join(missing)


NOT_SUBJECTS = {"migrations", "management", "settings", "templatetags", "models"}


def _subject_packages() -> dict[str, list[str]]:
    return {
        app: sorted(
            p.name
            for p in (ROOT / app).iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_SUBJECTS
        )
        for app in APPS
    }


def test_the_subject_map_and_the_readme_name_every_subject_package() -> None:
    """docs/architecture.md's subject map and the README's layout list every
    subject package there is, so a newcomer finds each subject from either."""
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    subject_map = architecture.split("## The subject map", 1)[1].split("\n## ", 1)[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = _subject_packages()
    assert "homework" in packages["schools"] and "complaints" in packages["supervision"]
    for app, names in packages.items():
        line = next(row for row in layout.splitlines() if row.startswith(f"{app}/"))
        block = layout[layout.index(line) :].split("\n", 2)
        for name in names:
            assert f"`{name}/`" in subject_map, f"docs/architecture.md: no row for {app}/{name}/"
            assert f"{name}/" in "\n".join(block[:2]), f"README.md layout: no {app}/{name}/"


def _public_functions(*module_names: str) -> list[tuple[str, ast.FunctionDef]]:
    """(module path, def) of each public module-level function of the apps'
    modules with one of those names."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.name not in module_names or "migrations" in path.parts:
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    found.append((str(path.relative_to(ROOT)), node))
    return found


def _raises_http404(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Raise) and n.exc is not None and "Http404" in ast.unparse(n.exc) for n in ast.walk(node)
    )


def _positional(node: ast.FunctionDef) -> list[str]:
    return [a.arg for a in (*node.args.posonlyargs, *node.args.args)]


# The public pages' look-ups: by token or among published rows, no user.
PUBLIC_LOOKUPS = {"entry_by_token", "institution_public_detail", "public_list_entries"}


def test_fetch_one_scoped_object_or_404_has_one_name_pattern() -> None:
    """A selector that answers 404 is ``<entity>_get_visible(*, user, …)``
    (or one of the public look-ups); services never raise ``Http404``: they
    raise their subject's domain error and the views translate it."""
    selectors = _public_functions("selectors.py", "scoping.py", "access.py")
    assert any(node.name == "complaint_get_visible" for _, node in selectors)
    wrong = [
        f"{path}: {node.name}"
        for path, node in selectors
        if _raises_http404(node) and not node.name.endswith("_get_visible") and node.name not in PUBLIC_LOOKUPS
    ]
    assert not wrong, wrong
    for path, node in selectors:
        if node.name.endswith("_get_visible"):
            assert not _positional(node), f"{path}: {node.name} takes {_positional(node)} by position"
            assert node.args.kwonlyargs[0].arg == "user", f"{path}: {node.name}"
    for app in APPS:
        for services in sorted((ROOT / app).rglob("services.py")):
            text = services.read_text(encoding="utf-8")
            assert "Http404" not in text and "get_object_or_404" not in text, services


# Public functions of services.py and selectors.py that still take arguments
# by position (issue 11 asks `<entity>_<action>(*, ...)`). The list only
# shrinks: the test fails for a new one, and for one that was fixed and left
# here. Empty now: every one is keyword-only.
TAKES_ARGUMENTS_BY_POSITION: dict[str, set[str]] = {}


def test_services_and_selectors_take_keyword_arguments() -> None:
    functions = _public_functions("services.py", "selectors.py")
    assert len(functions) > 100
    by_position: dict[str, set[str]] = {}
    for path, node in functions:
        if _positional(node) or node.args.vararg:
            by_position.setdefault(path, set()).add(node.name)
    new = {p: names - TAKES_ARGUMENTS_BY_POSITION.get(p, set()) for p, names in by_position.items()}
    assert not {p: n for p, n in new.items() if n}, "make these keyword-only: def f(*, ...)"
    fixed = {p: names - by_position.get(p, set()) for p, names in TAKES_ARGUMENTS_BY_POSITION.items()}
    assert not {p: n for p, n in fixed.items() if n}, "keyword-only now: take them off the list"


# The policy terms issue 11 names, each a row of docs/glossary.md's terms table.
POLICY_TERMS = ("督学责任区", "挂牌督导", "整改", "销号", "一票否决", "五项管理", "三不", "作业公示", "通报", "调休")


def test_the_glossary_has_each_policy_term_and_its_homes_exist() -> None:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms_table = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    term_cells = [row.split("|")[1] for row in terms_table.splitlines() if row.startswith("| ")]
    for term in POLICY_TERMS:
        assert any(term in cell for cell in term_cells), f"docs/glossary.md has no row for {term}"
    # Each `Model.field` it names is a field or attribute of that model.
    models = {m.__name__: m for m in apps.get_models() if m._meta.app_label in APPS}
    named = re.findall(r"`([A-Z]\w+)\.(\w+)`", text)
    assert ("Rectification", "closed_at") in named
    for model_name, attribute in named:
        if model_name in models:
            model = models[model_name]
            fields = {f.name for f in model._meta.get_fields()}
            assert attribute in fields or hasattr(model, attribute), f"{model_name}.{attribute}"
