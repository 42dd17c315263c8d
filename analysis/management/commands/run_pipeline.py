"""python manage.py run_pipeline <slug> [--k N] [--backend ...] [--model PATH] [--no-reweight] [--resume RUN]
[--publish]"""

import argparse
import time

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.platform import PlatformCommand
from analysis import services, tasks
from analysis.models import PipelineRun, RunChunk
from config.celery import app as celery_app
from consultation.models import Consultation


class Command(PlatformCommand):  # its events without an actor name it (accounts/platform.py)
    help = "Group a consultation's contributions into themes (broad listening) and print the result."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name of the consultation")
        parser.add_argument(
            "--k", type=int, default=None, help="number of themes (default: chosen from the data)"
        )
        parser.add_argument("--backend", choices=["use-multilingual", "sentence-transformers"], default=None)
        parser.add_argument("--model", default=None, help="local model directory (sentence-transformers)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--chunk-size", type=int, default=None, help="distinct texts per embedding task")
        parser.add_argument(
            "--reweight",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="also give theme shares re-weighted to the French adult population (default: yes)",
        )
        parser.add_argument(
            "--resume", type=int, default=None, metavar="RUN", help="resume an unfinished run"
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="find every theme afresh instead of continuing those of the previous run",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the computed themes as they are (demo, first draft)",
        )

    def handle(
        self,
        *args,
        slug,
        k,
        backend,
        model,
        seed,
        chunk_size,
        reweight,
        resume,
        publish,
        fresh=False,
        **options,
    ):
        try:
            consultation = Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist:
            raise CommandError(_("No consultation has the short name %(slug)s.") % {"slug": slug}) from None
        if k is not None and k < 1:
            raise CommandError(_("The number of themes must be at least 1."))
        eager = celery_app.conf.task_always_eager  # embedded runtime: no worker, run here
        if resume is not None:
            run = PipelineRun.objects.filter(pk=resume, consultation=consultation).first()
            if run is None:
                raise CommandError(_("This consultation has no run %(id)s.") % {"id": resume})
            if eager:
                self._drive(run)
            else:
                with transaction.atomic():
                    services.resume_run(run=run)
        else:
            run = services.start_run(
                consultation=consultation,
                k=k,
                backend=backend,
                model=model,
                seed=seed,
                chunk_size=chunk_size,
                reweight=reweight,
                enqueue=not eager,
                fresh=fresh,
            )
            if eager:
                self._drive(run)
        run = self._follow(run)
        if run.status == PipelineRun.Status.FAILED:
            raise CommandError(f"{run.error_message} {run.error_detail}".strip())
        self.stdout.write(
            _("Run %(id)s: %(themes)s themes from %(n)s contributions (%(distinct)s distinct).")
            % {
                "id": run.pk,
                "themes": run.themes.filter(parent__isnull=True, number__gte=0).count(),
                "n": run.n_contributions,
                "distinct": run.n_distinct,
            }
        )
        if run.k_explanation:
            self.stdout.write(run.k_explanation)
        for note in run.note_messages:
            self.stdout.write(note)
        for theme in run.themes.filter(parent__isnull=True).order_by("-size"):
            label = theme.label or _("Other contributions")
            self.stdout.write(f"  [{theme.size:>5}] {label} — {', '.join(theme.keywords[:6])}")
        if run.since_previous_message:
            self.stdout.write(run.since_previous_message)
        if publish:
            services.publish_version(actor=None, version=run.versions.order_by("-number").first())
            self.stdout.write(_("Published as the consultation's synthesis."))

    def _drive(self, run: PipelineRun) -> None:
        """Embedded runtime: run the stages in this process, one chunk at a time, with a progress bar."""
        tasks.prepare_run(run.pk, dispatch=False)
        run.refresh_from_db()
        if run.status != PipelineRun.Status.EMBEDDING:
            return
        pending = RunChunk.objects.filter(run=run, done=False).order_by("index")
        with tqdm(
            total=run.progress_total, initial=run.progress_done, unit="text", desc=_("Embedding")
        ) as bar:
            for chunk in pending:
                tasks.embed_chunk(run.pk, chunk.index, dispatch=False)
                bar.update(len(chunk.hashes))
        self.stdout.write(_("Grouping into themes…"))
        tasks.finish_run(run.pk)

    def _follow(self, run: PipelineRun) -> PipelineRun:
        """Workers: poll the run and show its progress until it ends."""
        with tqdm(total=100, unit="%", desc=_("Analysis")) as bar:
            while True:
                run.refresh_from_db()
                bar.update(run.percent - bar.n)
                bar.set_postfix_str(str(run.get_status_display()))
                if not run.is_active:
                    return run
                time.sleep(0.5)
