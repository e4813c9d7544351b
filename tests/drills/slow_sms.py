"""An SMS backend for the drills: slow enough to kill a worker mid-run, and it writes down every
message it sends (to a file, since the worker is another process)."""

import os
import time


class SlowFileBackend:
    def send(self, phone: str, text: str) -> None:
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0.3")))
        with open(os.environ["SLOW_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{phone}\n")
