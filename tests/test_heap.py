"""The service's process after start-up (app.main.freeze_startup_heap)."""

import gc
from typing import Any

from fastapi.testclient import TestClient


def test_start_up_objects_are_frozen_out_of_full_collections(app: Any) -> None:
    """What start-up made lives as long as the process; a full collection skips it."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with TestClient(app):
        assert gc.get_freeze_count() > 10_000
