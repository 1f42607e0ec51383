"""Wire the system's dependencies once, from the settings (the only composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from campaign.clock import Clock, SystemClock
from campaign.db import Database, check_connection
from campaign.errors import DatabaseUnavailable
from campaign.settings import Settings, get_settings


@dataclass
class App:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def db(self) -> Database:
        database = Database.from_url(self.settings.effective_database_url)
        check_connection(database.engine)
        self._check_schema(database)
        return database

    def _check_schema(self, database: Database) -> None:
        from campaign import migrate

        current = migrate.current_revision(database.engine)
        head = migrate.head_revision(database.engine)
        if current == head:
            return
        if not self.settings.database_url:
            # The embedded single-user database keeps itself up to date.
            migrate.upgrade(database.engine)
            return
        raise DatabaseUnavailable(
            f"the database schema is at {current or 'nothing'}, this version needs {head}: "
            "run `campaign db upgrade`"
        )

    @cached_property
    def storage(self):  # type: ignore[no-untyped-def]
        from assets.storage import open_storage

        return open_storage(self.settings.effective_storage_url)

    @cached_property
    def formats(self):  # type: ignore[no-untyped-def]
        from assets.formats import load_registry

        return load_registry(self.settings.formats_file)

    @cached_property
    def celery(self):  # type: ignore[no-untyped-def]
        from workers.celery_app import make_celery

        return make_celery(self.settings)

    @cached_property
    def dispatcher(self):  # type: ignore[no-untyped-def]
        from workers.dispatch import CeleryDispatcher

        return CeleryDispatcher(self.celery)


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> App:
    """Return the application object every edge (CLI, web, worker, scheduler) starts from."""
    return App(settings=settings or get_settings(), clock=clock or SystemClock())
