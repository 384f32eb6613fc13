import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from carteira.agenda.models import Task
from carteira.agenda.scheduling import do_schedule, stale_sellers
from carteira.agenda.selectors import ORDER
from carteira.agenda.week import Week, monday_of, moved_note, seller_week, week_as_json
from carteira.organization.models import Seller
from carteira.web.formats import money


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _(
            "Print a seller's planned week: each working day's visits in route order from the "
            "seller's home and back, the calls, the day's capacity, and the backlog."
        )

    def add_arguments(self, parser):
        parser.add_argument("--seller", required=True, help=_("the seller's code"))
        parser.add_argument(
            "--week", help=_("any day of the week (YYYY-MM-DD, default: this week)")
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, seller, week=None, format="table", **options):
        found = Seller.objects.filter(external_id=seller).first()
        if found is None:
            raise CommandError(_("no seller with the code %(code)r") % {"code": seller})
        today = timezone.localdate()
        if Seller.objects.filter(pk=found.pk).filter(stale_sellers(today)).exists():
            do_schedule(today=today, seller_ids=[found.pk])
        tasks = Task.objects.filter(
            seller=found, assignee_user=None, status=Task.Status.OPEN
        ).order_by(*ORDER)
        plan = seller_week(
            found, tasks=tasks, monday=monday_of(parse_week(week, today)), today=today
        )
        for message in plan.messages:
            self.stderr.write(message)
        if format == "json":
            self.stdout.write(json.dumps(week_as_json(plan), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(plan))


def parse_week(text: str | None, today: dt.date) -> dt.date:
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--week must be a date as YYYY-MM-DD, got %(text)r") % {"text": text}
        ) from None


def table(plan: Week) -> str:
    first, last = plan.days[0].date, plan.days[-1].date
    lines = [
        _("Week of %(first)s to %(last)s — %(seller)s (%(code)s)")
        % {
            "first": date_format(first, "SHORT_DATE_FORMAT"),
            "last": date_format(last, "SHORT_DATE_FORMAT"),
            "seller": plan.seller.name,
            "code": plan.seller.external_id,
        }
    ]
    for day in plan.days:
        label = f"{date_format(day.date, 'D')} {date_format(day.date, 'SHORT_DATE_FORMAT')}"
        if not day.working:
            why = day.why_off or _("not a working day")  # outside the f-string: xgettext
            lines.append(f"{label}  — {why}")
            continue
        lines.append(
            _("%(day)s  visits %(visits)s/%(visit_cap)s  calls %(calls)s/%(call_cap)s  %(km)s km")
            % {
                "day": label,
                "visits": day.load,
                "visit_cap": day.capacity.visits,
                "calls": len(day.calls),
                "call_cap": day.capacity.calls,
                "km": number_format(day.distance_km, 1),
            }
        )
        for row in day.visits:
            line = f"  {row.arrival}  {row.task.client.external_id}  {row.task.client}"
            lines.append(f"{line}  ({moved_note(row.task)})" if row.task.moved_from else line)
        for row in [*day.unrouted, *day.unfit]:
            lines.append(f"  --:--  {row.task.client.external_id}  {row.task.client}")
        if day.calls:
            codes = ", ".join(row.task.client.external_id for row in day.calls)
            lines.append("  " + _("calls: %(clients)s") % {"clients": codes})
            lines.extend(f"    {row.task.client.external_id}: {row.far_note}"
                         for row in day.calls if row.far_note)  # fmt: skip
    lines.append(
        _("Backlog: %(count)s tasks (%(value)s at risk)")
        % {"count": plan.backlog, "value": money(plan.backlog_value)}
    )
    return "\n".join(lines)
