"""create_app(settings): wires settings, database, courses, middleware and routes. Nothing more.

    uvicorn --factory elearning.web.app:create_app     # settings from the environment
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.context import TortoiseContext

from elearning.certificates.credentials import STATUS_LIST_PATH
from elearning.settings import Settings
from elearning.storage import credential_keys, db, passwords, pe_push, retention
from elearning.web import convertors, errors
from elearning.web.courses import CourseLibrary
from elearning.web.logging import AccessLogMiddleware
from elearning.web.mail import Mailer
from elearning.web.outage import DatabaseOutageMiddleware
from elearning.web.reload import live_reload
from elearning.web.security import CSRFMiddleware, SecurityHeadersMiddleware
from elearning.web.session import SessionMiddleware
from elearning.web.templating import STATIC, Pages
from elearning.web.views import (
    accounts,
    admin_accreditations,
    admin_certificates,
    admin_pe_online,
    catalogue,
    certificates,
    credentials,
    evaluation,
    misc,
    notebook,
    play,
    review,
    studio,
    studio_analytics,
    studio_preview,
    verify,
)

log = logging.getLogger(__name__)

SESSION_COOKIE = "elearning_session"


class DatabaseContextMiddleware:
    """Activates the app's Tortoise context for each request (no process-global ORM state)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ctx: TortoiseContext | None = getattr(scope["app"].state, "db", None) if "app" in scope else None
        if ctx is None or scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        # A copy per request: a context object keeps one token for `with`, and requests run
        # concurrently. The copy shares the app's connections.
        with copy.copy(ctx):
            await self.app(scope, receive, send)


def routes() -> list[Route | Mount]:
    convertors.install()  # {name:int} ids: at most nine digits, a longer number is a 404
    return [
        Route("/", catalogue.index, name="catalogue"),
        Route("/courses/{course_id}", catalogue.course, name="course"),
        Route("/courses/{course_id}/start", catalogue.start, methods=["POST"], name="start"),
        Route("/play/{attempt_id:int}", play.scene, methods=["GET", "POST"], name="scene"),
        Route("/play/{attempt_id:int}/places/{location_id}", play.place, name="place"),
        Route("/play/{attempt_id:int}/notebook", notebook.notebook, name="notebook"),
        Route("/play/{attempt_id:int}/notebook.pdf", notebook.notebook_pdf, name="notebook_pdf"),
        Route("/play/{attempt_id:int}/answers/{scene_id}", notebook.revise, methods=["GET", "POST"], name="revise"),
        Route("/review", review.queue, name="review"),
        Route("/review/{answer_id:int}", review.answer, methods=["GET", "POST"], name="review_answer"),
        Route("/play/{attempt_id:int}/result", play.result, name="result"),
        Route("/play/{attempt_id:int}/evaluation", evaluation.evaluation, methods=["GET", "POST"], name="evaluation"),
        Route("/account", accounts.profile, methods=["GET", "POST"], name="account"),
        Route("/account/register", accounts.register, methods=["GET", "POST"], name="register"),
        Route("/account/login", accounts.login, methods=["GET", "POST"], name="login"),
        Route("/account/logout", accounts.logout, methods=["POST"], name="logout"),
        Route("/account/password", accounts.change_password, methods=["POST"], name="change_password"),
        Route("/account/sessions/end", accounts.end_other_sessions, methods=["POST"], name="end_other_sessions"),
        Route("/account/data", accounts.my_data, methods=["POST"], name="my_data"),
        Route("/account/registration-number", accounts.registration_number, methods=["POST"],
              name="registration_number"),
        Route("/admin/audit", admin_certificates.audit_log, name="audit_log"),
        Route("/account/delete", accounts.delete_account, methods=["POST"], name="delete_account"),
        Route("/account/guest-progress", accounts.guest_progress, methods=["GET", "POST"], name="guest_progress"),
        Route("/account/password/forgot", accounts.forgot, methods=["GET", "POST"], name="forgot"),
        Route("/account/password/reset/{token}", accounts.reset, methods=["GET", "POST"], name="reset"),
        Route("/account/confirm/{token}", accounts.confirm, methods=["GET", "POST"], name="confirm"),
        Route("/language/{lang}", misc.language, name="language"),
        Route("/media/{course_id}/{path:path}", misc.media, name="media"),
        Route("/health", misc.health, name="health"),
        Route("/provider/logo", misc.provider_logo, name="provider_logo"),
        Route("/privacy", misc.statement, name="privacy"),
        Route("/toegankelijkheid", misc.statement, name="accessibility"),
        Route("/certificates", certificates.index, name="certificates"),
        Route("/certificates/{certificate_id:int}.pdf", certificates.download, name="certificate_pdf"),
        Route("/certificates/{certificate_id:int}/reissue", certificates.reissue, methods=["GET", "POST"],
              name="certificate_reissue"),
        Route("/verify", verify.form, name="verify"),
        Route("/verify/upload", verify.upload, methods=["POST"], name="verify_upload"),
        Route("/verify/{code}.json", verify.show_json, name="verify_json"),
        Route("/verify/{code}/credential.json", verify.credential, name="verify_credential"),
        Route("/.well-known/did.json", credentials.did_json, name="did_json"),
        Route(STATUS_LIST_PATH, credentials.status_list, name="status_list"),
        Route("/verify/{code}", verify.show, name="verify_code"),
        Route("/admin/accreditations", admin_accreditations.index, name="admin_accreditations"),
        Route("/admin/accreditations", admin_accreditations.save, methods=["POST"], name="admin_accreditations_save"),
        Route("/admin/certificates", admin_certificates.index, name="admin_certificates"),
        Route("/admin/certificates/export", admin_certificates.export, name="admin_certificates_export"),
        Route("/admin/certificates/pe-online", admin_pe_online.index, name="admin_pe_online"),
        Route("/admin/certificates/pe-online/{registration_id:int}/retry", admin_pe_online.retry, methods=["POST"],
              name="admin_pe_online_retry"),
        Route("/admin/certificates/pe-online/{registration_id:int}/handled", admin_pe_online.handled,
              methods=["POST"], name="admin_pe_online_handled"),
        Route("/admin/certificates/{certificate_id:int}", admin_certificates.detail, name="admin_certificate"),
        Route("/admin/certificates/{certificate_id:int}/revoke", admin_certificates.revoke, methods=["POST"],
              name="admin_certificate_revoke"),
        Route("/studio", studio.index, name="studio"),
        Route("/studio/version", studio.version, name="studio_version"),
        Route("/studio/folders/{folder}", studio.folder, name="studio_folder"),
        Route("/studio/folders/{folder}/map/{module_id}", studio.scenario_map, name="studio_folder_map"),
        Route("/studio/folders/{folder}/source/{path:path}", studio.source, name="studio_source"),
        Route("/studio/courses/{course_id}/tests", studio.run_tests, methods=["POST"], name="studio_tests"),
        Route("/studio/courses/{course_id}", studio.course, name="studio_course"),
        Route("/studio/courses/{course_id}/map/{module_id}.svg", studio.map_svg, name="studio_map_svg"),
        Route("/studio/courses/{course_id}/map/{module_id}", studio.scenario_map, name="studio_map"),
        Route("/studio/courses/{course_id}/preview", studio_preview.preview, methods=["GET", "POST"],
              name="studio_preview"),
        Route("/studio/courses/{course_id}/preview/state", studio_preview.set_state, methods=["POST"],
              name="studio_preview_state"),
        Route("/studio/courses/{course_id}/analytics", studio_analytics.page, name="studio_analytics"),
        Route("/studio/courses/{course_id}/analytics/{section}", studio_analytics.page, name="studio_analytics_section"),
        Route("/studio/courses/{course_id}/export/{table}.csv", studio_analytics.csv, name="studio_csv"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


async def _clean_up_periodically(settings: Settings) -> None:
    """Apply the retention settings every CLEANUP_INTERVAL_MINUTES while the app runs."""
    if settings.cleanup_interval_minutes <= 0:
        return
    while True:
        await asyncio.sleep(settings.cleanup_interval_minutes * 60)
        try:
            done = await retention.clean_up(retention.policy(settings), settings.outbox_dir)
            log.info("Clean-up: %s", ", ".join(f"{kind} {n}" for kind, n in done.items()))
        except Exception:
            log.exception("The periodic clean-up failed; it runs again in %s minutes",
                          settings.cleanup_interval_minutes)


async def _first_signing_key(settings: Settings) -> None:
    """Make the key that signs the certificates' credentials on first start (see credential_keys)."""
    try:
        await credential_keys.ensure_key(settings.secret_key)
    except credential_keys.KeyUnreadable as exc:
        log.error("%s Certificates cannot be signed until then.", exc)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.load()
    passwords.use_cost(settings.password_hash_cost)
    library = CourseLibrary(settings.courses_dir, settings.certificates_dir)
    pages = Pages(debug=settings.debug)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ctx = await db.connect(settings.database_url)
        try:
            await db.check_schema(ctx, settings.database_url, settings.database_display)
            with copy.copy(ctx):
                await retention.clean_up(retention.policy(settings), settings.outbox_dir)
                await _first_signing_key(settings)
                # Tasks started here keep this database context (a task copies the context variables).
                cleaning = asyncio.create_task(_clean_up_periodically(settings))
                worker = pe_push.start_worker(settings)
            library.load_all()
            app.state.db = ctx
            try:
                async with live_reload(settings, library):
                    yield
            finally:
                cleaning.cancel()
                await pe_push.stop_worker(worker)
        finally:
            app.state.db = None
            await ctx.close_connections()

    middleware = [
        Middleware(AccessLogMiddleware),
        Middleware(SecurityHeadersMiddleware, https=settings.https),
        Middleware(errors.ErrorPageMiddleware, debug=settings.debug),
        Middleware(DatabaseOutageMiddleware),
        Middleware(DatabaseContextMiddleware),
        Middleware(
            SessionMiddleware, secret_key=settings.secret_key, session_cookie=SESSION_COOKIE,
            max_age=settings.session_lifetime_days * 24 * 60 * 60, same_site="lax", https_only=settings.https,
        ),
        Middleware(CSRFMiddleware, on_failure=errors.csrf_failure),
    ]
    app = Starlette(
        debug=settings.debug, routes=routes(), middleware=middleware, lifespan=lifespan,
        exception_handlers=errors.handlers(),
    )
    app.state.settings = settings
    app.state.library = library
    app.state.pages = pages
    app.state.mailer = Mailer(settings)
    app.state.db = None
    return app


def create_dev_app() -> Starlette:
    """The app with DEV on, for `elearning serve --dev` (uvicorn imports it by name)."""
    return create_app(Settings.load(dev=True))
