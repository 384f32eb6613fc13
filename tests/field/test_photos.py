"""A photo taken at a visit, sent by the phone after its contact: kept once per key,
upright, shrunk and without the camera's metadata; bounded before it is read; refused
with a reason when it is not a photo, too big, for another seller's client or for a
contact the server refused; shown to whoever sees the client, and to no one else."""

import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.test import Client as HttpClient
from PIL import Image

from carteira.clients.models import Client, Contact
from carteira.field.models import AppliedOperation
from carteira.interactions.models import Interaction, Photo
from carteira.interactions.photos import MAX_PER_CONTACT
from carteira.privacy.services import do_anonymise_contact
from tests.field.test_sync_api import API, op, outcome, phone, send
from tests.privacy.test_contact_rights import dpo  # noqa: F401 (the fixture)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=3000, height=2000, *, rotated=False, gps=True) -> bytes:
    """A camera-like JPEG: GPS position in its EXIF, and 'rotate 90°' when ``rotated``."""
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = {1: "S", 2: (30.0, 1.0, 59.0), 3: "W", 4: (51.0, 13.0, 4.0)}
    if rotated:
        exif[ORIENTATION] = 6
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def send_photo(browser, client, contact_key, data, *, key=None, content_type="image/jpeg"):
    key = key or str(uuid.uuid4())
    url = f"{API}/photo?key={key}&client={client.pk}&outcome={contact_key}"
    return browser.post(url, data=data, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }  # fmt: skip
    return tmp_path / "media"


@pytest.fixture
def ana_phone(seller_ana):
    return phone(seller_ana.user)


@pytest.fixture
def visit(portfolio, ana_phone):
    """A contact Ana logged at A1, applied: its operation key."""
    contact = op("outcome", portfolio["A1"], outcome())
    assert send(ana_phone, contact).json()["results"][0]["result"] == "applied"
    return contact["key"]


def test_a_photo_follows_its_contact_upright_small_and_without_metadata(
    portfolio, ana_phone, visit, media
):
    key = str(uuid.uuid4())
    answer = send_photo(ana_phone, portfolio["A1"], visit, jpeg(rotated=True), key=key).json()
    assert (answer["result"], answer["replayed"]) == ("applied", False)
    photo = Photo.objects.get()
    assert photo.interaction == Interaction.objects.get()
    assert answer["created"] == {"photo": photo.pk, "interaction": photo.interaction_id}
    assert (photo.width, photo.height) == (1067, 1600)  # turned upright, longest side 1,600
    with default_storage.open(photo.image.name) as file:
        stored = file.read()
    assert photo.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (1067, 1600))
        assert dict(image.getexif()) == {}  # no position, no orientation left
    assert (media / photo.image.name).is_file()

    again = send_photo(ana_phone, portfolio["A1"], visit, jpeg(rotated=True), key=key).json()
    assert (again["result"], again["replayed"], again["created"]) == (
        "applied", True, answer["created"])  # fmt: skip
    assert Photo.objects.count() == 1
    assert len(list((media / "photos").rglob("*.jpg"))) == 1


def test_a_photo_before_its_contact_waits_and_is_applied_once_the_contact_arrives(
    portfolio, ana_phone
):
    contact, key = op("outcome", portfolio["A1"], outcome()), str(uuid.uuid4())
    early = send_photo(ana_phone, portfolio["A1"], contact["key"], jpeg(), key=key)
    assert early.status_code == 409
    assert early.json()["detail"] == "O contato desta foto ainda não chegou ao servidor."
    assert (Photo.objects.count(), AppliedOperation.objects.filter(key=key).count()) == (0, 0)
    send(ana_phone, contact)
    later = send_photo(ana_phone, portfolio["A1"], contact["key"], jpeg(), key=key)
    assert later.json()["result"] == "applied"
    assert Photo.objects.count() == 1


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    portfolio, ana_phone, visit, settings, media
):
    settings.CARTEIRA_PHOTO_MAX_BYTES = 100_000
    answer = send_photo(ana_phone, portfolio["A1"], visit, b"x" * 100_001)
    assert answer.status_code == 413
    assert answer.json()["detail"] == "A foto tem mais de 0 MB."  # 100 kB rounds down
    settings.CARTEIRA_PHOTO_MAX_BYTES = 3 * 1024 * 1024
    answer = send_photo(ana_phone, portfolio["A1"], visit, b"x" * (3 * 1024 * 1024 + 1))
    assert answer.json()["detail"] == "A foto tem mais de 3 MB."
    assert Photo.objects.count() == 0
    assert not (media / "photos").exists()


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7 not a photo", b"GIF89a" + b"\0" * 64, b"\xff\xd8\xff\xe0 broken jpeg"],
    ids=["pdf", "gif", "truncated-jpeg"],
)
def test_what_is_not_a_photo_is_refused_and_says_why(portfolio, ana_phone, visit, media, content):
    answer = send_photo(ana_phone, portfolio["A1"], visit, content).json()
    message = "Este arquivo não é uma foto (JPEG, PNG ou WebP)."
    assert (answer["result"], answer["code"], answer["errors"]) == (
        "refused", "not_a_photo", {"photo": [message]})  # fmt: skip
    assert Photo.objects.count() == 0
    assert not (media / "photos").exists()


def test_a_decompression_bomb_is_refused_from_its_header(portfolio, ana_phone, visit):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    answer = send_photo(ana_phone, portfolio["A1"], visit, out.getvalue()).json()
    assert (answer["result"], answer["code"]) == ("refused", "too_many_pixels")


def test_another_sellers_client_is_not_found(portfolio, ana_phone, visit):
    answer = send_photo(ana_phone, portfolio["B1"], visit, jpeg()).json()
    assert (answer["result"], answer["code"]) == ("refused", "not_found")
    assert Photo.objects.count() == 0


def test_a_photo_of_a_refused_contact_is_refused(portfolio, ana_phone):
    contact = op("outcome", portfolio["A1"], outcome(successful=""))
    assert send(ana_phone, contact).json()["results"][0]["result"] == "refused"
    answer = send_photo(ana_phone, portfolio["A1"], contact["key"], jpeg()).json()
    assert (answer["result"], answer["code"]) == ("refused", "contact_refused")
    assert answer["message"] == "O contato desta foto foi recusado, então a foto não foi guardada."


def test_a_contact_keeps_at_most_five_photos(portfolio, ana_phone, visit):
    results = [send_photo(ana_phone, portfolio["A1"], visit, jpeg(400, 300)).json()
               for _ in range(MAX_PER_CONTACT + 1)]  # fmt: skip
    assert [r["result"] for r in results] == ["applied"] * MAX_PER_CONTACT + ["refused"]
    assert results[-1]["message"] == "Um contato guarda no máximo 5 fotos."


def test_the_json_queue_cannot_carry_a_photo(portfolio, ana_phone, visit):
    answer = send(ana_phone, op("photo", portfolio["A1"], {"outcome": visit})).json()
    assert (answer["results"][0]["result"], answer["results"][0]["code"]) == ("refused", "invalid")


def test_the_photo_is_shown_to_who_sees_the_client_and_to_no_one_else(
    portfolio, ana_phone, visit, seller_bruno, manager_sul, django_capture_on_commit_callbacks
):
    send_photo(ana_phone, portfolio["A1"], visit, jpeg(800, 600))
    photo = Photo.objects.get()
    url = f"/clients/{portfolio['A1'].pk}/photos/{photo.pk}/"
    for user, status in ((manager_sul, 200), (seller_bruno.user, 404)):
        browser = HttpClient()
        browser.force_login(user)
        response = browser.get(url)
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    page = HttpClient()
    page.force_login(manager_sul)
    assert url in page.get("/campo/equipe/").content.decode()
    assert url in page.get(f"/clients/{portfolio['A1'].pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        Interaction.objects.all().delete()  # the contact goes: its photo and file too
    assert Photo.objects.count() == 0
    assert not default_storage.exists(photo.image.name)


def test_anonymising_a_person_client_deletes_the_photos_of_its_contacts(
    portfolio,
    ana_phone,
    visit,
    dpo,  # noqa: F811 (the imported fixture)
    django_capture_on_commit_callbacks,
):
    client = portfolio["A1"]
    Client.objects.filter(pk=client.pk).update(document="52998224725")  # a CPF: a person
    client.refresh_from_db()
    send_photo(ana_phone, client, visit, jpeg(800, 600))
    name = Photo.objects.get().image.name
    contact = Contact.objects.create(client=client, name="Joana Lima", phone="51999990000")
    with django_capture_on_commit_callbacks(execute=True):
        do_anonymise_contact(contact, actor=dpo, reason="request")
    assert Photo.objects.count() == 0
    assert not default_storage.exists(name)
    assert Interaction.objects.count() == 1  # the contact itself stays, without its photo
