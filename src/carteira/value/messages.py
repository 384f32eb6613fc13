"""The fits' statuses and reasons in words (the core gives stable codes)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira_core.value import MIN_REPEAT_BUYERS

REASONS = {
    "no_history": gettext_lazy("no client has a purchase yet at this date"),
    "few_repeat_buyers": gettext_lazy(
        "too few clients bought more than once (at least %(minimum)s are needed)"
    ),
    "no_spread": gettext_lazy("every client made its first purchase on the same day"),
    "not_converged": gettext_lazy("the estimate did not converge"),
    "parameter_at_limit": gettext_lazy(
        "the purchase history does not pin the model down (a parameter runs to a limit)"
    ),
    "dropout_vanishes": gettext_lazy("the history shows no client leaving"),
    "flat_ridge": gettext_lazy("the history does not pin the model down (flat likelihood)"),
    "spend_depends_on_frequency": gettext_lazy(
        "the value of a purchase depends on how often the client buys, which the spend model "
        "does not allow"
    ),
    "spend_not_positive": gettext_lazy("a client's repeat purchases are worth nothing"),
}


def reason_text(reason: str) -> str:
    text = REASONS.get(reason)
    if text is None:
        return reason
    return str(text) % {"minimum": MIN_REPEAT_BUYERS} if "%(" in str(text) else str(text)


def fit_message(status: str, reason: str) -> str:
    """One line for people: why there is no (reliable) prediction."""
    if status == "ok":
        return ""
    return _("No prediction: %(reason)s. The status engine's reading still applies.") % {
        "reason": reason_text(reason)
    }
