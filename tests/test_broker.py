"""The Redis transport survives kombu 5.7 closing a transport under its channel."""

from __future__ import annotations

import logging
import uuid

import pytest
import redis as redis_client
from kombu import Connection

from campaign.settings import Settings
from workers.broker import TRANSPORT, Transport
from workers.celery_app import make_celery


def test_unacked_messages_of_a_closed_transport_are_let_go_with_a_warning(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    queue = f"broker-test-{uuid.uuid4().hex}"
    conn = Connection(redis_url, transport=Transport)
    channel = conn.channel()
    try:
        channel.queue_declare(queue=queue)
        channel.basic_publish(channel.prepare_message("{}"), exchange="", routing_key=queue)
        assert channel.basic_get(queue, no_ack=False) is not None  # delivered, not acked
        # What kombu's Connection leaves when it closes the transport before the channel
        # (a lost connection mid-delivery): stock kombu raises AttributeError here.
        channel.connection.client = None
        with caplog.at_level(logging.WARNING, logger="campaign.worker"):
            channel.close()
        assert "1 unacknowledged message(s)" in caplog.text
        assert not channel.qos._delivered
    finally:
        redis_client.Redis.from_url(redis_url).delete(queue, "unacked", "unacked_index")


@pytest.mark.parametrize("outcome", ["ack", "reject", "requeue"])
def test_a_task_finishing_after_its_connection_died_does_not_crash_the_worker(
    redis_url: str, caplog: pytest.LogCaptureFixture, outcome: str
) -> None:
    queue = f"broker-test-{uuid.uuid4().hex}"
    conn = Connection(redis_url, transport=Transport)
    channel = conn.channel()
    try:
        channel.queue_declare(queue=queue)
        channel.basic_publish(channel.prepare_message("{}"), exchange="", routing_key=queue)
        message = channel.basic_get(queue, no_ack=False)
        assert message is not None
        channel.connection = None  # the channel after kombu closed it under the task
        with caplog.at_level(logging.WARNING, logger="campaign.worker"):
            if outcome == "ack":
                channel.basic_ack(message.delivery_tag)
            else:
                channel.basic_reject(message.delivery_tag, requeue=outcome == "requeue")
        assert "its broker connection is gone" in caplog.text
        assert message.delivery_tag not in channel.qos._delivered
    finally:
        redis_client.Redis.from_url(redis_url).delete(queue, "unacked", "unacked_index")


def test_workers_use_it_for_redis_brokers(redis_url: str) -> None:
    app = make_celery(Settings(broker_url=redis_url))
    assert app.conf.broker_transport == TRANSPORT
    with app.connection_for_write() as conn:
        assert isinstance(conn.transport, Transport)
