"""Simulated PBX (telephone exchange) that the portal pushes configuration documents to.

Standard library only and no Django: it runs as its own process (`python -m pbx.simulator`) with any
Python 3.11.
"""

from .server import RunningSimulator, SimulatorHTTPServer
from .storage import ConfigStore
from .validation import validate_config, validate_push

__all__ = ["ConfigStore", "RunningSimulator", "SimulatorHTTPServer", "validate_config", "validate_push"]
