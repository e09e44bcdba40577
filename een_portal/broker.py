"""The demo's file-system broker, with messages that appear whole.

kombu's filesystem transport creates a message's ``.msg`` file and only then writes it, and its
consumer takes (moves and reads) any ``.msg`` file without the writer's lock: when beat queues a
task in the moment the worker polls (every 0.1 s here), the worker reads an empty file, stops with
"Unrecoverable error: JSONDecodeError", and honcho then stops the whole ``make run``
(celery/kombu#1551). Here a message is written under a name the consumer ignores and renamed to its
``.msg`` name when complete; a rename within a folder is atomic.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes


class Channel(filesystem.Channel):
    # kombu names the message "payload" here and "message" on its base class: mypy sees both.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(filesystem.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # "<name>.part": its part after the first dot is not "<queue>.msg", so _get skips it.
        partial = final + ".part"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(filesystem.dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
