"""On a consultation's page, the button to its citizen panel reads "Panel citoyen : <title>" with a space
after the colon, as a person sees it. The title sits in its own <span lang> (WCAG 3.1.2); inside the
DSFR's button, a flex box, the sentence and the span were two flex items and the space between them was
dropped: "Panel citoyen :Assises citoyennes" (seen on the demo by tester3)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The drawn gap, in CSS pixels, between the last character before the title and the title's first.
GAP = """
const link = [...document.querySelectorAll('main a.fr-btn')].find(a => a.querySelector('[lang]'));
const title = link.querySelector('[lang]');
const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
let before = null;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (title.contains(node)) break;
  if (node.textContent.trim()) before = node;
}
const text = before.textContent.trimEnd();
const range = document.createRange();
range.setStart(before, text.length - 1);
range.setEnd(before, text.length);
const colon = range.getBoundingClientRect(), start = title.getClientRects()[0];
return {gap: start.left - colon.right, sameLine: Math.abs(start.top - colon.top) < 4, text: link.innerText};
"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_panel_button_keeps_the_space_before_the_title(browser, open_in, organiser, language):
    from deliberation import services as deliberation_services
    from deliberation.models import Panel
    from tests.helpers import make_consultation

    consultation = make_consultation("panel-lie")
    panel = deliberation_services.create_panel(
        actor=organiser, title="Assises du don", size=30, consultation=consultation, language="fr"
    )
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.RECRUITING)
    open_in(f"/consultations/{consultation.slug}/", language)
    drawn = browser.execute_script(GAP)
    assert drawn["sameLine"], drawn
    assert drawn["gap"] >= 3, drawn  # a space's width at the button's size, not 0
