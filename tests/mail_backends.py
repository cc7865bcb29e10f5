"""An e-mail backend for tests that run a real Celery worker: slow enough to be killed in the
middle of a batch, and recording what it delivered where the test process can read it.

The worker is another process, so the outbox is a file, not locmem: one line per message
accepted, the notification's id (read from its "open" link), written after the delay, as a
mail server's "250 OK" comes after the transfer. Set by the test in the worker's environment:
SLOW_MAIL_LOG (the file), SLOW_MAIL_DELAY (seconds per message).
"""

import os
import re
import time

from django.core.mail.backends.base import BaseEmailBackend

OPEN_LINK = re.compile(r"/thong-bao/(\d+)/mo/")


class SlowRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("SLOW_MAIL_DELAY", "0.5"))
        for message in email_messages:
            time.sleep(delay)
            with open(os.environ["SLOW_MAIL_LOG"], "a") as log:
                log.write(f"{OPEN_LINK.search(message.body).group(1)}\n")
                log.flush()
                os.fsync(log.fileno())
        return len(email_messages)


def delivered(path) -> list[int]:
    """The notification ids the backend delivered, in order, one per message."""
    try:
        return [int(line) for line in path.read_text().split()]
    except FileNotFoundError:
        return []
