"""Audit logins and logouts; end a deactivated user's sessions at once."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver

from carteira.accounts import throttle
from carteira.accounts.login import client_ip
from carteira.accounts.models import User, UserSession
from carteira.audit.services import do_record

# Sent with ``user`` when a user's sessions end (deactivation): apps above accounts end
# their own credentials for that user (the agenda's calendar feed).
sessions_ended = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    throttle.do_forget_failures(username=user.get_username())
    throttle.do_prune()  # old failures no longer count: keep the table small
    key = request.session.session_key
    if key:
        UserSession.objects.get_or_create(session_key=key, defaults={"user": user})
    # Sessions that expired on their own leave their ledger rows behind: drop them.
    live = Session.objects.filter(session_key=OuterRef("session_key"))
    UserSession.objects.filter(user=user).exclude(Exists(live)).delete()
    do_record("auth.login", actor=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        do_record("auth.logout", actor=user, ip=client_ip(request))


@receiver(pre_save, sender=User)
def on_user_saved(sender, instance, **kwargs):
    if instance.pk is None or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        do_end_sessions(instance)


def do_end_sessions(user: User) -> int:
    """Delete every server-side session of ``user``, then tell the apps that hold other
    credentials of theirs (``sessions_ended``: the agenda revokes the calendar feed, whose
    secret address is a credential too). API tokens of inactive users are already refused
    by carteira.api.tokens.get_token_in_force."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    sessions_ended.send(sender=User, user=user)
    do_record("auth.sessions_ended", obj=user, sessions=len(keys))
    return len(keys)
