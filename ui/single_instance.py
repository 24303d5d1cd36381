"""Bringing the window that owns a profile forward, from a second start of the app.

One process owns a profile at a time (app/profile_lock.py). The window that owns it
listens on a local socket named after the profile (:class:`WindowBeacon`: a named pipe on
Windows, a socket only this user can open elsewhere); a second start that finds the profile
taken asks it, through :class:`RaiseRequest`, to come to the front, as single-instance
desktop apps do. The names are keyed by the profile's folder, so the demo (a profile of its
own) and other profiles never answer for each other.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger("otokui.ui")

_REQUEST = b"raise\n"
_ANSWER = b"ok\n"
#: How long a second start waits for the owner's answer (a frozen owner never answers).
ANSWER_TIMEOUT_MS = 3000


def server_name(profile_root: Path) -> str:
    """The local socket's name for a profile (a hash: folder names may hold anything)."""
    key = str(Path(profile_root).expanduser().resolve())
    return "otokui-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class WindowBeacon(QObject):
    """The owning process's end: answers "raise" requests by calling ``bring_forward``.

    Only the process holding the profile's lock listens, so a name left behind by a crashed
    owner (a stale socket file) is safely removed before listening.
    """

    raised = Signal()

    def __init__(self, profile_root: Path, bring_forward: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bring_forward = bring_forward
        self._name = server_name(profile_root)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        if not self._server.listen(self._name):
            QLocalServer.removeServer(self._name)  # a crashed owner's leftover
            if not self._server.listen(self._name):
                log.warning("cannot listen for a second start (%s)",
                            self._server.serverError().name)
                return False
        return True

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            # The socket stays the server's child (deleted with it); the slot is a bound
            # method, so no Python closure outlives either.
            socket.readyRead.connect(self._read_any)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read_any(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data())
        if line != _REQUEST:
            socket.disconnectFromServer()
            return
        log.info("a second start asked for the window")
        self._bring_forward()
        socket.write(_ANSWER)
        socket.flush()
        socket.disconnectFromServer()  # after the answer is written
        self.raised.emit()


class RaiseRequest(QObject):
    """A second start's end: asks the owner's window to come forward.

    ``answered(True)``: the window is in front now; ``answered(False)``: nobody answered
    (the profile is held by a command such as ``sync``, not by a window).
    """

    answered = Signal(bool)

    def __init__(self, profile_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._socket = QLocalSocket(self)
        self._socket.connected.connect(self._send)
        self._socket.readyRead.connect(self._read)
        self._socket.errorOccurred.connect(lambda _e: self._finish(False))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._finish(False))
        self._name = server_name(profile_root)
        self._done = False

    def start(self, timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:
        self._timer.start(timeout_ms)
        self._socket.connectToServer(self._name)

    def _send(self) -> None:
        self._socket.write(_REQUEST)
        self._socket.flush()

    def _read(self) -> None:
        if self._socket.canReadLine():
            self._finish(bytes(self._socket.readLine().data()) == _ANSWER)

    def _finish(self, ok: bool) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        # Not abort() here: this may run inside the socket's own signal.
        self._socket.disconnectFromServer()
        self.answered.emit(ok)


def bring_to_front(windows: list[QWidget]) -> None:
    """Show, un-minimise, raise and activate the given top-level windows (last on top)."""
    from PySide6.QtCore import Qt

    for window in windows:
        if window is None or not window.isVisible():
            continue
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized
                                  | Qt.WindowState.WindowActive)
        window.show()
        window.raise_()
        window.activateWindow()
