"""Private uploads (greetings now; any later upload the same way): stored outside static and
media, under PRIVATE_MEDIA_ROOT (VAR_DIR/private by default), content-addressed, and served
only through a view that has checked the visitor may see the file.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils import timezone


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=str(settings.PRIVATE_MEDIA_ROOT), base_url=None)


def store(folder: str, name: str, data: bytes) -> str:
    """Stores data under folder/name unless it is there already (content-addressed); returns the path."""
    storage = private_storage()
    path = f"{folder}/{name}"
    if not storage.exists(path):
        saved = storage.save(path, ContentFile(data))
        if saved != path:  # another process stored the same content at the same moment
            storage.delete(saved)
    return path


def prune(folder: str, *, older_than: timedelta) -> int:
    """Deletes the files under folder/<sub folder>/ last written before `older_than` ago (the CSV
    uploads that a preview kept and nobody applied); returns how many went."""
    storage = private_storage()
    if not storage.exists(folder):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    subfolders, _files = storage.listdir(folder)
    for subfolder in subfolders:
        for name in storage.listdir(f"{folder}/{subfolder}")[1]:
            path = f"{folder}/{subfolder}/{name}"
            try:
                if storage.get_modified_time(path) < cutoff:
                    storage.delete(path)
                    removed += 1
            except FileNotFoundError:  # applied (and deleted) meanwhile
                continue
    return removed


def read(path: str) -> bytes:
    with private_storage().open(path, "rb") as handle:
        return bytes(handle.read())


def serve(path: str, *, filename: str, content_type: str) -> FileResponse:
    """The stored file for a browser: inline (an <audio> element plays it), never sniffed, never cached."""
    handle = private_storage().open(path, "rb")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=False, filename=Path(filename).name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
