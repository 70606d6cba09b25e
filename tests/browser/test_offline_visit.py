"""Issue 3's real-browser test: on a tablet a supervisor fills a visit with a
photo, the connection drops mid-fill, the form survives a reload without a
connection (service worker + IndexedDB draft), the supervisor submits while
offline (twice: a double tap), the connection returns and exactly one visit
exists, photo stripped of GPS. Then the principal answers the demand with
evidence and the supervisor accepts it."""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterator

import pytest
from django.utils import translation

from supervision.models import Rectification, RectificationStatus, SupervisionItem, Visit, VisitSubmissionState
from tests.browser.conftest import TABLET, sign_in
from tests.factories import PASSWORD
from tests.supervision.factories import has_gps, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    """E-mail tasks run in the live server's thread, not through a broker."""
    from jianfu.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def ensure_checklist() -> None:
    """Transactional tests empty the tables afterwards, seeded ones included:
    put the seeded checklist back if an earlier test took it away."""
    if SupervisionItem.objects.exists():
        return
    seed = importlib.import_module("supervision.migrations.0004_seed_checklist")
    order = 0
    for code, title, children in seed.ITEMS:
        order += 10
        parent = SupervisionItem.objects.create(code=code, title=title, order=order)
        for child_code, child_title in children:
            order += 1
            SupervisionItem.objects.create(code=child_code, title=child_title, order=order, parent=parent)


def click_choice(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}"][value="{value}"] + label').click()


def test_offline_visit_is_submitted_once_then_rectified(world, new_page, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    ensure_checklist()
    for user, address in ((world.principal_a, "principal@school-a.cn"), (world.supervisor_x, "dux@bureau.cn")):
        user.email = address
        user.save()
    item_41 = SupervisionItem.objects.get(code="4.1")
    item_43 = SupervisionItem.objects.get(code="4.3")
    school = world.school_a

    sup = new_page(viewport=TABLET)
    sign_in(sup, world.supervisor_x.username, PASSWORD)
    assert sup.url.endswith("/supervisor/")
    assert sup.get_by_test_id(f"state-{school.pk}").get_attribute("data-state") in ("due", "overdue")
    # The service worker takes control of the page once installed.
    sup.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")

    sup.get_by_test_id(f"log-visit-{school.pk}").click()
    sup.wait_for_selector("#visit-form[data-ready='1']")
    click_choice(sup, "methods", "patrol")
    click_choice(sup, "methods", "lessons")
    click_choice(sup, "mode", "unannounced")
    click_choice(sup, f"result_{item_43.pk}", "compliant")
    click_choice(sup, f"result_{item_41.pk}", "non_compliant")
    sup.fill(f"textarea[name='note_{item_41.pk}']", "三年级语文作业约90分钟")
    sup.fill(f"textarea[name='demand_text_{item_41.pk}']", "统筹各学科作业总量，三年级不超过60分钟，并公示。")
    sup.set_input_files(
        "#photo-input",
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True, size=(640, 480))}],
    )
    sup.wait_for_selector("[data-testid=photo-thumb] img")

    # The connection drops in the middle of the visit.
    sup.context.set_offline(True)
    sup.fill("textarea[name='findings']", "作业公示栏未更新；课后服务安排规范。")
    sup.wait_for_timeout(600)  # the draft is saved 300 ms after typing stops
    # Reopening the form without a connection: the service worker's copy, with the draft.
    sup.reload()
    sup.wait_for_selector("#visit-form[data-ready='1']")
    assert sup.input_value("textarea[name='findings']") == "作业公示栏未更新；课后服务安排规范。"
    assert sup.is_checked(f'input[name="result_{item_41.pk}"][value="non_compliant"]')
    assert sup.locator("[data-testid=photo-thumb]").count() == 1
    assert sup.is_visible(f"[data-demand-for='{item_41.pk}']")

    # Submit while offline, twice (a double tap): the visit is queued on the tablet.
    sup.get_by_test_id("submit-visit").click()
    sup.wait_for_selector("#draft-status[data-state='warning']")
    # The state shows next to the button too, with a retry.
    state = sup.get_by_test_id("submit-state")
    assert state.get_attribute("data-state") == "queued"
    with translation.override("zh-hans"):
        assert state.inner_text() == str(VisitSubmissionState.QUEUED.label)
    assert sup.get_by_test_id("retry-visit").is_visible()
    sup.get_by_test_id("submit-visit").click()
    sup.wait_for_timeout(300)
    assert Visit.objects.count() == 0

    # The connection returns: the queued visit is sent and the page shows it.
    sup.context.set_offline(False)
    sup.wait_for_url(re.compile(r"/visits/\d+/$"))
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert visit.school == school and visit.mode == "unannounced"
    assert visit.findings == "作业公示栏未更新；课后服务安排规范。"
    assert visit.results.get(item=item_41).item_title == item_41.title
    photo = visit.photos.get()
    assert not has_gps(photo.image.read())
    assert sup.get_by_test_id("visit-photos").locator("img").count() == 1
    # Nothing is left in the queue to send a second time.
    sup.goto("/supervisor/")
    sup.wait_for_timeout(500)
    assert Visit.objects.count() == 1
    queued = "() => window.jianfuOffline.allDrafts().then(d => d.filter(x => x.status === 'queued').length)"
    assert sup.evaluate(queued) == 0
    assert sup.get_by_test_id(f"state-{school.pk}").get_attribute("data-state") == "visited"

    demand = Rectification.objects.get()
    assert demand.visit == visit and demand.status == RectificationStatus.OPEN
    assert [m.to for m in mailoutbox] == [["principal@school-a.cn"]]

    # The principal answers the demand with a plan and a photo as evidence.
    principal = new_page(viewport=TABLET)
    sign_in(principal, world.principal_a.username, PASSWORD)
    principal.goto("/rectifications/")
    principal.get_by_test_id(f"rectification-{demand.pk}").click()
    principal.fill("textarea[name='plan']", "已召开年级组会议统筹作业，每周一公示各班作业时长。")
    principal.set_input_files(
        "input[name='evidence']",
        files=[{"name": "公示栏.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True)}],
    )
    principal.get_by_test_id("send-answer").click()
    principal.wait_for_selector(f"[data-testid=status-{demand.pk}][data-status=answered]")
    demand.refresh_from_db()
    assert demand.status == RectificationStatus.ANSWERED
    assert [m.to for m in mailoutbox][-1] == ["dux@bureau.cn"]

    # The supervisor verifies and accepts: the demand is closed.
    sup.goto(f"/rectifications/{demand.pk}/")
    assert sup.locator("[data-testid=answer] img").count() == 1
    sup.get_by_test_id("accept").click()
    sup.wait_for_selector(f"[data-testid=status-{demand.pk}][data-status=accepted]")
    demand.refresh_from_db()
    assert demand.status == RectificationStatus.ACCEPTED
    assert [e.action for e in demand.events.all()] == ["raised", "answered", "accepted"]


def test_visit_queued_offline_is_sent_when_a_page_opens_later(world, new_page) -> None:  # type: ignore[no-untyped-def]
    """The tab that queued the visit is gone; the next supervisor page opened
    online sends it, once, and says so."""
    ensure_checklist()
    item_41 = SupervisionItem.objects.get(code="4.1")
    sup = new_page(viewport=TABLET)
    sign_in(sup, world.supervisor_x.username, PASSWORD)
    sup.goto(f"/supervisor/schools/{world.school_a.pk}/visit/")
    sup.wait_for_selector("#visit-form[data-ready='1']")
    click_choice(sup, "methods", "documents")
    click_choice(sup, f"result_{item_41.pk}", "compliant")
    context = sup.context
    context.set_offline(True)
    sup.get_by_test_id("submit-visit").click()
    sup.wait_for_selector("#draft-status[data-state='warning']")
    sup.close()
    context.set_offline(False)
    assert Visit.objects.count() == 0

    home = context.new_page()
    home.goto("/supervisor/")
    home.wait_for_selector("[data-testid=offline-queue]:not([hidden])")
    assert world.school_a.name in home.get_by_test_id("offline-queue").inner_text()
    assert Visit.objects.count() == 1
    home.reload()
    home.wait_for_timeout(500)
    assert Visit.objects.count() == 1
    assert home.get_by_test_id(f"state-{world.school_a.pk}").get_attribute("data-state") == "visited"


def test_refused_send_says_failed_next_to_the_button_and_retries(world, new_page) -> None:  # type: ignore[no-untyped-def]
    """Online, the server fails to take the visit: the state beside the submit
    button goes 正在发送 → 发送失败，将重试 with a retry button; the retry
    sends it (正在发送 → 已提交). Service workers are blocked so that the
    test can answer the POST itself."""
    ensure_checklist()
    item_41 = SupervisionItem.objects.get(code="4.1")
    sup = new_page(viewport=TABLET, service_workers="block")
    sign_in(sup, world.supervisor_x.username, PASSWORD)
    path = f"/supervisor/schools/{world.school_a.pk}/visit/"
    sup.goto(path)
    sup.wait_for_selector("#visit-form[data-ready='1']")
    sup.evaluate(
        """() => { const el = document.getElementById('submit-state');
        new MutationObserver(() => sessionStorage.setItem('states',
            (sessionStorage.getItem('states') || '') + ' ' + el.dataset.state))
          .observe(el, { attributes: true, attributeFilter: ['data-state'] }); }"""
    )
    click_choice(sup, "methods", "documents")
    click_choice(sup, f"result_{item_41.pk}", "compliant")

    def refuse(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "POST":
            route.fulfill(status=503, body="busy", content_type="text/plain")
        else:
            route.continue_()

    sup.route(f"**{path}", refuse)
    sup.get_by_test_id("submit-visit").click()
    state = sup.get_by_test_id("submit-state")
    sup.wait_for_selector("[data-testid=submit-state][data-state=failed]")
    with translation.override("zh-hans"):
        assert state.inner_text() == str(VisitSubmissionState.FAILED.label) == "发送失败，将重试"
    retry = sup.get_by_test_id("retry-visit")
    assert retry.is_visible() and Visit.objects.count() == 0
    # Next to the button, not at the top of a long form.
    button, badge = sup.get_by_test_id("submit-visit").bounding_box(), state.bounding_box()
    assert abs(badge["y"] - button["y"]) < 120, (button, badge)
    assert sup.evaluate("sessionStorage.getItem('states')").split() == ["sending", "failed"]

    sup.unroute(f"**{path}")
    retry.click()
    sup.wait_for_url(re.compile(r"/visits/\d+/$"))
    assert Visit.objects.count() == 1
    # The states the badge went through, kept across the move to the visit.
    states = sup.evaluate("sessionStorage.getItem('states')").split()
    assert [s for s, _ in itertools.groupby(states)] == ["sending", "failed", "sending", "sent"]
