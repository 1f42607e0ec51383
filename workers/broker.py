"""The Redis transport, with kombu's failures on a lost connection turned into warnings.

When Redis goes away while tasks are delivered but not yet acknowledged, kombu
5.7 can close the transport before the channel. Afterwards every call that
needs the old channel's Redis client (putting the unacknowledged messages back
when the channel closes; acknowledging or rejecting a task that finishes after
the reconnect) builds it from the closed transport and raises AttributeError,
which Celery reports as an unrecoverable error: the whole worker exits. Both
were seen in the Redis-restart process test on clean clones.

There is no broker left to tell at that point: those messages died with the
connection. The database still has each post as claimed, and the scheduler's
sweep re-sends it (the task is idempotent). So each such call becomes a warning,
and the worker carries on with its new connection.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis

log = logging.getLogger("campaign.worker")


class QoS(redis.QoS):
    def _connection_gone(self) -> bool:
        connection = self.channel.connection
        return connection is None or connection.client is None

    def restore_unacked(self, client: Any = None) -> None:
        if client is None and self._connection_gone():
            log.warning(
                "broker connection closed before %d unacknowledged message(s) could be put "
                "back: the scheduler re-sends them from the database",
                len(self._delivered),
            )
            self._delivered.clear()
            return
        super().restore_unacked(client)

    def ack(self, delivery_tag: Any) -> None:
        if self._connection_gone():
            self._let_go(delivery_tag, "acknowledge")
            return
        super().ack(delivery_tag)

    def reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        if self._connection_gone():
            self._let_go(delivery_tag, "reject")
            return
        super().reject(delivery_tag, requeue=requeue)

    def _let_go(self, delivery_tag: Any, what: str) -> None:
        log.warning(
            "cannot %s message %s: its broker connection is gone (the database decides "
            "whether it is re-sent)",
            what,
            delivery_tag,
        )
        self._delivered.pop(delivery_tag, None)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel


TRANSPORT = f"{__name__}:Transport"
