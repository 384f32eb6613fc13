"""Carteira's ``db_worker``: django_tasks_db's, with a worker that survives its peers
(carteira.cluster.worker). The app is listed before django_tasks_db in INSTALLED_APPS,
so ``carteira manage db_worker`` (and ``carteira serve``) start this one."""

from django_tasks_db.management.commands import db_worker

from carteira.cluster.worker import ClusterWorker, default_worker_id


class Command(db_worker.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id())

    def handle(self, *args, **options):
        # The upstream command builds ``Worker`` by its module name: lend it ours.
        original = db_worker.Worker
        db_worker.Worker = ClusterWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
