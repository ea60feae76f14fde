"""A plain progress line for long commands (no dependency, works in logs: one line per step
when the output is not a terminal)."""

import time


class Progress:
    def __init__(self, stream, label, total, every=0.5):
        self.stream = stream
        self.label = label
        self.total = max(total, 0)
        self.every = every
        self.started = time.monotonic()
        self.last = 0.0
        self.tty = getattr(stream, "isatty", lambda: False)()

    def update(self, done, force=False):
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        percent = f" ({100 * done / self.total:.0f} %)" if self.total else ""
        rate = done / max(now - self.started, 1e-6)
        line = f"{self.label} : {done:,}/{self.total:,}{percent} — {rate:,.0f}/s".replace(",", " ")
        if self.tty:
            self.stream.write("\r" + line, ending="")
            self.stream.flush()
        else:
            self.stream.write(line)

    def finish(self, done):
        self.update(done, force=True)
        if self.tty:
            self.stream.write("")
