"""A photo of the shelf taken with no signal, in real Chromium on a phone-sized screen:
it waits on the phone behind its contact, goes once the network returns, and the
manager sees it beside the visit and on the client page."""

import io

import pytest
from PIL import Image

from carteira.interactions.models import Interaction, Photo
from tests.browser.test_login_journey import SHOTS
from tests.field.test_offline_browser import (
    open_app_online,
    phone,  # noqa: F401 (the fixture)
    shops_to_visit,
    states,
    until,
    wait_offline,
)
from tests.field.test_photos import media  # noqa: F401 (the fixture)
from tests.personas import PASSWORD


def shelf_photo() -> bytes:
    """A 4,000 × 3,000 camera picture (a phone's 12 MP), stripes to see it drawn."""
    image = Image.new("RGB", (4000, 3000), (240, 240, 235))
    for n in range(0, 3000, 500):
        image.paste((30 + n // 20, 90, 160), (0, n, 4000, n + 250))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_photo_taken_offline_reaches_the_server_once_behind_its_contact(
    phone,  # noqa: F811
    live_server,
    seller_ana,
    manager_sul,
    media,  # noqa: F811
    browser_type,
    browser_type_launch_args,
):
    first, _second, _third = shops_to_visit(seller_ana)
    context = phone()
    page = open_app_online(context, live_server.url)
    context.set_offline(True)
    page.reload()
    wait_offline(page)

    page.goto(page.url.split("#")[0] + f"#cliente/{first.pk}")
    page.locator("details.log summary", has_text="Registrar contato").click()
    form = page.locator("form.outcome")
    form.get_by_label("Sim", exact=True).check()
    form.get_by_label("Observações").fill("Gôndola de limpeza sem o produto novo")
    form.get_by_label("Foto (opcional)").set_input_files(
        {"name": "gondola.jpg", "mimeType": "image/jpeg", "buffer": shelf_photo()}
    )
    form.get_by_role("button", name="Salvar contato").click()
    page.wait_for_url("**#fila")
    assert states(page, 2) == ["Aguardando envio"] * 2
    kinds = page.locator("ul.queue li strong").all_inner_texts()
    assert kinds == ["Foto · Supermercado Bom Fim", "Contato · Supermercado Bom Fim"]
    # Kept on the phone, shrunk: at most 1,600 pixels a side, far under the limit.
    size = page.evaluate(
        "async () => { const db = await idb.openDB('carteira-campo');"
        " const items = await db.getAll('queue'); db.close();"
        " return items.find((i) => i.kind === 'photo').blob.size; }"
    )
    assert 0 < size < 1_000_000
    assert Photo.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(
        page,
        "[...document.querySelectorAll('ul.queue li .state')]"
        ".every(e => e.textContent === 'Enviado')",
    )
    photo = Photo.objects.get()
    assert photo.interaction == Interaction.objects.get(client=first)
    assert (photo.width, photo.height) == (1600, 1200)
    left = page.evaluate(
        "async () => { const db = await idb.openDB('carteira-campo');"
        " const items = await db.getAll('queue'); db.close();"
        " return items.filter((i) => i.blob).length; }"
    )
    assert left == 0  # sent: the phone keeps no copy

    browser = browser_type.launch(**browser_type_launch_args)  # the manager, elsewhere
    desk = browser.new_page(locale="pt-BR", viewport={"width": 1280, "height": 900})
    desk.goto(f"{live_server.url}/login/?next=/campo/equipe/")
    desk.get_by_label("Usuário").fill("marta")
    desk.get_by_label("Senha").fill(PASSWORD)
    desk.get_by_role("button", name="Entrar").click()
    desk.wait_for_url(f"{live_server.url}/campo/equipe/")
    assert desk.locator("#latest-visits").get_by_role("link", name="foto 1").count() == 1
    desk.goto(f"{live_server.url}/clients/{first.pk}/")
    thumbnail = desk.get_by_role("img", name="Foto 1 do contato")
    thumbnail.scroll_into_view_if_needed()
    assert desk.evaluate(
        "img => img.complete && img.naturalWidth === 1600", thumbnail.element_handle()
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk.locator("#timeline").screenshot(path=SHOTS / "campo-foto-no-cliente.png")
    browser.close()
