"""A small LSP client for the tests: ``boundary-lint server`` in a subprocess, spoken to over
its stdin/stdout with JSON-RPC framing (``Content-Length`` headers). Every wait is bounded,
so a server that does not answer fails the test instead of hanging it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Optional

TIMEOUT = 60.0


class LspClient:
    def __init__(self, cwd: Path, env: Optional[dict] = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "boundary_lint", "server"], cwd=cwd, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.seen: list = []  # notifications read while waiting for something else
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send_raw(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8"))

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Optional[dict] = None) -> dict:
        """The whole response message (``result`` or ``error``)."""
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, **({"params": params} if params is not None else {})})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, matches: Callable[[dict], bool], timeout: float = TIMEOUT) -> dict:
        for index, message in enumerate(self.seen):
            if matches(message):
                return self.seen.pop(index)
        while True:
            try:
                message = self.messages.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no such message from the server within {timeout}s; "
                                     f"stderr: {self.stderr_so_far()}") from None
            if matches(message):
                return message
            self.seen.append(message)

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> list:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri, timeout)
        return message["params"]["diagnostics"]

    def stderr_so_far(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        return self.process.stderr.read().decode("utf-8", "replace")

    def close(self) -> int:
        """shutdown, then exit: the server's exit status."""
        if self.process.poll() is None:
            try:
                self.request("shutdown")
                self.notify("exit", {})
            except (BrokenPipeError, AssertionError):
                pass
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the server did not exit after shutdown/exit") from None
