"""The trainer's side of its protocol with the training service (see ../README.md):
one JSON object per line on stdout; free-form log lines on stderr.
"""
import json
import sys
import time


def emit(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def log(*parts):
    sys.stderr.write(time.strftime("%H:%M:%S ") + " ".join(str(p) for p in parts) + "\n")
    sys.stderr.flush()
