"""The chat's log (issue #14): the room's counters live on `ChatRoom`, which the agenda never
writes; every message, deletion and mute is a numbered `ChatEvent`; the data migration builds
rooms and logs from what was stored; the raw SQL agrees with the Python rules; protocol 2
resumes deletions and mutes with the same cursor; stricter input."""

import datetime
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.roles import ANCT_GROUP_NAME
from cafes_cites import permissions
from cafes_cites.chat import queries, services
from cafes_cites.models import ChatEvent, ChatMessage, ChatRoom, Registration, Session
from cafes_cites.services import move_session
from tests.cafes_cites.test_chat import _live_session, _registered, connect
from tests.factories import UserFactory, make_anct_user


def _post(user, session, body):
    return services.post_message(user, session.pk, body, str(uuid.uuid4()))


@pytest.mark.django_db
def test_saving_a_stale_session_does_not_rewind_the_room():
    """Reproduction of issue #14's corruption: an editor loads the session, people post, the
    editor saves the stale session (admin form, move_session): the room's counter used to go
    back with it, and every later post failed with an IntegrityError for ever."""
    session = _live_session()
    user = _registered(session)
    _post(user, session, "un")
    stale = Session.objects.get(pk=session.pk)  # the editor opens the form
    _post(user, session, "deux")
    stale.replay_url = "https://example.org/replay"
    stale.save()  # full save of the stale row
    move_session(
        Session.objects.get(pk=session.pk), stale.start, stale.end + datetime.timedelta(minutes=5)
    )
    with transaction.atomic():
        third = _post(user, session, "trois")
    with transaction.atomic():
        fourth = _post(user, session, "quatre")
    assert [third.payload["id"], fourth.payload["id"]] == [3, 4]
    room = ChatRoom.objects.get(session=session)
    assert (room.last_message, room.last_seq) == (4, 4)
    assert list(ChatMessage.objects.order_by("room_id").values_list("room_id", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


@pytest.mark.django_db
def test_every_write_is_numbered_in_one_log():
    session = _live_session()
    user = _registered(session)
    anct = make_anct_user()
    for body in ("un", "deux"):
        _post(user, session, body)
    services.delete_message(anct, session.pk, 1)
    services.mute_user(anct, session.pk, user.pk)
    services.mute_user(anct, session.pk, user.pk)  # already muted: nothing logged
    _post(anct, session, "trois")
    log = list(
        ChatEvent.objects.filter(room__session=session)
        .order_by("seq")
        .values_list("seq", "kind", "message__room_id", "user_id")
    )
    assert log == [
        (1, "message", 1, None),
        (2, "message", 2, None),
        (3, "deleted", 1, None),
        (4, "muted", None, user.pk),
        (5, "message", 3, None),
    ]
    with pytest.raises(services.ChatError) as refused:
        services.delete_message(anct, session.pk, 1)
    assert refused.value.code == "not_found"
    assert ChatEvent.objects.filter(room__session=session).count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "question", "code"),
    [
        ("<img src=x>", False, "empty"),
        ("<script></script>  ", False, "empty"),
        ("Bonjour", "false", "invalid"),
        ("Bonjour", 1, "invalid"),
    ],
)
def test_stricter_input_changes_nothing(body, question, code):
    session = _live_session()
    user = _registered(session)
    with pytest.raises(services.ChatError) as refused:
        services.post_message(user, session.pk, body, str(uuid.uuid4()), question)
    assert refused.value.code == code and refused.value.message.startswith(
        ("Le message", "Message")
    )
    assert not ChatMessage.objects.exists() and not ChatEvent.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_builds_rooms_and_logs_without_loss():
    """0006 on data stored by 0005: one room per session, its counters, and a log with every
    message (numbers unchanged), deletion and mute in the order they happened."""
    before = [("cafes_cites", "0005_reminder_opt_out")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("accounts", "User")
    OldSession = old.get_model("cafes_cites", "Session")
    OldMessage = old.get_model("cafes_cites", "ChatMessage")
    OldMute = old.get_model("cafes_cites", "ChatMute")
    alice = User.objects.create(email="alice@example.org", password="!")
    bob = User.objects.create(email="bob@example.org", password="!")
    start = timezone.now() - datetime.timedelta(hours=1)
    talked = OldSession.objects.create(
        title="Séance", start=start, end=start + datetime.timedelta(hours=2), chat_last_id=3
    )
    quiet = OldSession.objects.create(
        title="Calme", start=start, end=start + datetime.timedelta(hours=2)
    )
    at = [start + datetime.timedelta(minutes=minutes) for minutes in range(10)]
    for number, author, created in ((1, alice, at[1]), (2, bob, at[2]), (3, alice, at[5])):
        OldMessage.objects.create(
            session=talked,
            room_id=number,
            author=author,
            body=f"m{number}",
            body_html=f"<p>m{number}</p>",
            created_at=created,
            deleted_at=at[3] if number == 2 else None,
        )
    mute = OldMute.objects.create(session=talked, user=bob, muted_by=alice)
    OldMute.objects.filter(pk=mute.pk).update(created_at=at[4])

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    room = ChatRoom.objects.get(session_id=talked.pk)
    assert (room.last_seq, room.last_message) == (5, 3)
    assert list(
        room.events.order_by("seq").values_list("seq", "kind", "message__room_id", "user_id")
    ) == [
        (1, "message", 1, None),
        (2, "message", 2, None),
        (3, "deleted", 2, None),
        (4, "muted", None, bob.pk),
        (5, "message", 3, None),
    ]
    assert ChatRoom.objects.get(session_id=quiet.pk).last_seq == 0
    # The next post follows on.
    Registration.objects.create(session_id=talked.pk, user_id=alice.pk, status="confirmed")
    OldSession.objects.filter(pk=talked.pk).update(end=timezone.now() + datetime.timedelta(hours=1))
    posted = services.post_message(
        UserFactory._meta.model.objects.get(pk=alice.pk), talked.pk, "m4", str(uuid.uuid4())
    )
    assert (posted.payload["id"], posted.payload["seq"]) == (4, 6)


@pytest.mark.django_db
def test_moderator_sql_agrees_with_the_python_rule():
    """permissions.moderator_sql (used by the handshake's single query and by moderator_ids)
    against can_moderate_chat, for each way of being an animateur or not."""
    moderate = Permission.objects.get(
        codename="moderate_chat", content_type__app_label="cafes_cites"
    )
    by_group = Group.objects.create(name="Animateurs régionaux")
    by_group.permissions.add(moderate)
    people = {
        "participant": UserFactory(),
        "inactive ANCT": make_anct_user(is_active=False),
        "superuser": UserFactory(is_superuser=True),
        "ANCT": make_anct_user(),
        "permission": UserFactory(),
        "group permission": UserFactory(),
        "other group": UserFactory(),
    }
    people["permission"].user_permissions.add(moderate)
    people["group permission"].groups.add(by_group)
    people["other group"].groups.add(Group.objects.create(name="Autre"))
    assert Group.objects.filter(name=ANCT_GROUP_NAME).exists()
    expected = {
        user.pk
        for user in people.values()
        if permissions.can_moderate_chat(type(user).objects.get(pk=user.pk))
    }
    assert permissions.moderator_ids([user.pk for user in people.values()]) == expected
    assert expected == {
        people[name].pk for name in ("superuser", "ANCT", "permission", "group permission")
    }
    session = _live_session()
    for user in people.values():
        room = queries.chat_room_for(session.pk, user)
        assert bool(room.chat_moderator) == (user.pk in expected)


@pytest.mark.django_db
def test_handshake_sql_agrees_with_the_python_rules(settings):
    """queries.chat_room_for (one raw query) against permissions.chat_post_refusal's own
    queries and queries.presence_count."""
    session = _live_session()
    registered, muted, reader = _registered(session), _registered(session), UserFactory()
    anct = make_anct_user()
    _post(registered, session, "Bonjour")
    services.mute_user(anct, session.pk, muted.pk)
    for user in (registered, muted, reader, anct):
        room = queries.chat_room_for(session.pk, user)
        fast = permissions.chat_post_refusal(
            user,
            room,
            muted=bool(room.chat_muted),
            registered=bool(room.chat_registered),
            moderator=bool(room.chat_moderator),
        )
        assert fast == permissions.chat_post_refusal(user, Session.objects.get(pk=session.pk))
        assert room.chat_seq == 2
        assert room.chat_presence == queries.presence_count(session.pk)
    assert queries.chat_room_for(999999, reader) is None


# --- Protocol 2 and stricter input over the websocket ---------------------------------------


async def _connect2(user, session, after=None, **kwargs):
    return await connect(user, session, after=after, version=2, **kwargs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_protocol_2_resumes_deletions_and_mutes_with_one_cursor(settings, async_db_cleanup):
    """A client away while a message it shows is deleted and someone is muted learns both when
    it resumes after the last number it saw; live frames carry their number too."""
    settings.CAFES_CITES_CHAT_RATE = (100, 10)
    settings.CAFES_CITES_PRESENCE_DEBOUNCE = 0
    session = await database_sync_to_async(_live_session)()
    alice = await database_sync_to_async(_registered)(session)
    bob = await database_sync_to_async(_registered)(session)
    anct = await database_sync_to_async(make_anct_user)()
    a, animateur = await _connect2(alice, session), await _connect2(anct, session)
    assert a.state["version"] == 2 and a.history["seq"] == 0
    for body in ("un", "deux"):
        await animateur.post(body)
        await animateur.receive("message")
        seen = await a.receive("message")
    assert (seen["id"], seen["seq"]) == (2, 2)
    await a.close()  # away, showing messages 1 and 2
    await animateur.send(type="delete", id=1)
    assert await animateur.receive("deleted") == {"type": "deleted", "id": 1, "seq": 3}
    await animateur.send(type="mute", user_id=bob.pk)
    muted = await animateur.receive("muted")
    assert muted["seq"] == 4 and muted["user"]["id"] == bob.pk
    await animateur.post("trois")
    await animateur.receive("message")
    a = await _connect2(alice, session, after=seen["seq"])
    assert [m["id"] for m in a.history["messages"]] == [3]
    assert a.history["events"] == [{"type": "deleted", "id": 1, "seq": 3}, muted]
    assert a.history["seq"] == 5
    fresh = await _connect2(alice, session)
    assert [m["id"] for m in fresh.history["messages"]] == [2, 3] and fresh.history["events"] == []
    # A protocol 1 client (no v=2) of the same room: deletions without their number.
    old = await connect(bob, session)
    await animateur.send(type="delete", id=2)
    for chat, expected in (
        (fresh, {"type": "deleted", "id": 2, "seq": 6}),
        (old, {"type": "deleted", "id": 2}),
    ):
        assert await chat.receive("deleted") == expected
    for chat in (a, animateur, fresh, old):
        await chat.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "origin",
    [b"http://127.0.0.1:9999", b"https://127.0.0.1", b"http://localhost:1234", b"null", b""],
)
async def test_origin_must_match_scheme_host_and_port(origin, settings, async_db_cleanup):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    assert await connect(user, session, origin=origin, host=b"127.0.0.1:8000") is None
    chat = await connect(user, session, origin=b"http://127.0.0.1:8000", host=b"127.0.0.1:8000")
    assert chat.state["can_post"]
    await chat.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_binary_frame_and_bad_fields_get_french_errors(settings, async_db_cleanup):
    session = await database_sync_to_async(_live_session)()
    user = await database_sync_to_async(_registered)(session)
    chat = await connect(user, session)
    await chat.communicator.send_to(bytes_data=b"\x00\x01")
    error = await chat.receive("error")
    assert error["code"] == "invalid" and "texte" in error["message"]
    await chat.post("<img src=x>")
    assert (await chat.receive("error"))["code"] == "empty"
    await chat.post("Bonjour", question="false")
    assert (await chat.receive("error"))["code"] == "invalid"
    await chat.send(type="delete", id=True)
    assert (await chat.receive("error"))["code"] in ("invalid", "forbidden")
    await chat.post("Bonjour", question=True)
    message = await chat.receive("message")  # the socket is still open and working
    assert message["question"] is True
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1
    await chat.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("role", "connects", "can_post", "moderator"),
    [
        ("anonymous", False, None, None),
        ("professional", True, False, False),  # not registered: reads only
        ("member", True, False, False),
        ("non_member", True, False, False),
        ("anct_user", True, True, True),  # animateur: always posts
    ],
)
async def test_chat_socket_for_each_role(
    request, role, connects, can_post, moderator, settings, async_db_cleanup
):
    """The chat's only websocket route, for each role of tests/conftest.py."""
    session = await database_sync_to_async(_live_session)()
    user = (
        None if role == "anonymous" else await database_sync_to_async(request.getfixturevalue)(role)
    )
    chat = await _connect2(user, session)
    assert (chat is not None) is connects
    if chat is None:
        return
    assert (chat.state["can_post"], chat.state["moderator"]) == (can_post, moderator)
    await chat.post("Bonjour")
    if can_post:
        assert (await chat.receive("message"))["body_html"] == "<p>Bonjour</p>"
    else:
        assert (await chat.receive("error"))["code"] == "not_registered"
    await chat.close()
