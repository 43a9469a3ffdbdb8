"""Which endpoint answers each operation of ``control.yaml``, by ``operationId``."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.control import clock, faults, journal, state
from mockserver.control.call import Endpoint
from mockserver.control.dataset import DatasetLoader
from mockserver.fixtures import SeedChecker
from mockserver.spec import Spec


def endpoints(api: Spec) -> Mapping[str, Endpoint]:
    """Every control operation's endpoint; ``getControlDocument`` is the plane's own."""
    return {
        "listJournal": journal.list_journal,
        "countJournal": journal.count_journal,
        "clearJournal": journal.clear_journal,
        "getFaults": faults.get_faults,
        "setFaults": faults.set_faults,
        "resetFaults": faults.reset_faults,
        "getClock": clock.get_clock,
        "setClock": clock.set_clock,
        "resetClock": clock.reset_clock,
        "advanceClock": clock.advance_clock,
        "reset": state.reset,
        "loadDataset": DatasetLoader(SeedChecker(api)),
        "listSessions": state.list_sessions,
        "deleteSession": state.delete_session,
    }
