"""The Redis transport, with one kombu failure on a lost connection turned into a warning.

When Redis goes away while a task is delivered but not yet acknowledged, kombu
5.7 can close the transport before the channel; the channel's close then tries
to put the unacknowledged message back, builds a client from the closed
transport and raises AttributeError, which Celery reports as an unrecoverable
error and the whole worker exits (seen in the Redis-restart test, about one run
in seven). There is no broker to put the message back on at that point anyway;
the database still has the post as claimed, and the scheduler's sweep re-sends
it. So the message is let go with a warning and the worker reconnects.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis

log = logging.getLogger("campaign.worker")


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        if client is None and self.channel.connection.client is None:
            log.warning(
                "broker connection closed before %d unacknowledged message(s) could be put "
                "back: the scheduler re-sends them from the database",
                len(self._delivered),
            )
            self._delivered.clear()
            return
        super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel


TRANSPORT = f"{__name__}:Transport"
