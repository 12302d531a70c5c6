"""Fault injection: what a proxy or a killed Odoo worker does to a call.

Configured by --faults (`key=value,...` or JSON) or POST /_emulator/faults (JSON). Keys:
  p_5xx, codes       probability of answering 502/503/504 (codes: list to pick from)
  p_timeout, timeout_s   probability of hanging `timeout_s` seconds then dropping the connection
  p_slow, slow_ms    probability of a delay before the call runs
  limit_records, limit_bytes   a call with more records / a body larger than this is killed
  limit_mode         '502' (proxy answer), 'drop' (connection closed) or 'fault' (fault 1 with
                     Odoo's 'virtual real time limit' text); limit_delay_ms before answering
  phase              'before' (nothing written), 'after' (written, then the error) or 'random'
  methods            only calls to these method names are hit by p_5xx/p_timeout/p_slow
  close_every        close a keep-alive connection after this many requests (worker recycling)
  seed               seeds the random generator
Thread contract: decide() is called under the server's lock (the random generator is shared).
"""

import json
import random

DEFAULTS = {
    "p_5xx": 0.0, "codes": [502, 503, 504], "p_timeout": 0.0, "timeout_s": 2.0,
    "p_slow": 0.0, "slow_ms": 200, "limit_records": 0, "limit_bytes": 0, "limit_mode": "502",
    "limit_delay_ms": 0, "phase": "before", "methods": [], "close_every": 0, "seed": None,
}


def parse_spec(text):
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        return json.loads(text)
    out = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        key = key.strip()
        value = value.strip()
        if key in ("codes", "methods"):
            out[key] = [int(v) if key == "codes" else v for v in value.split("|") if v]
        elif key in ("phase", "limit_mode"):
            out[key] = value
        elif key in ("limit_records", "limit_bytes", "close_every", "seed", "limit_delay_ms"):
            out[key] = int(value)
        else:
            out[key] = float(value)
    return out


class FaultPlan:
    def __init__(self, config=None):
        self.config = dict(DEFAULTS)
        self.rng = random.Random(0)
        self.configure(config or {})

    def configure(self, config):
        unknown = set(config) - set(DEFAULTS)
        if unknown:
            raise ValueError("unknown fault keys: %s" % ", ".join(sorted(unknown)))
        self.config.update(config)
        if config.get("seed") is not None:
            self.rng = random.Random(config["seed"])
        if self.config["phase"] not in ("before", "after", "random"):
            raise ValueError("phase must be before, after or random")
        if str(self.config["limit_mode"]) not in ("502", "drop", "fault"):
            raise ValueError("limit_mode must be 502, drop or fault")
        self.config["limit_mode"] = str(self.config["limit_mode"])

    def reset(self):
        self.config = dict(DEFAULTS)
        self.rng = random.Random(0)

    def decide(self, method, body_bytes, record_count):
        """Returns a dict: slow_s, limit (bool), kind (None|'5xx'|'timeout'), code, phase."""
        c = self.config
        out = {"slow_s": 0.0, "limit": False, "kind": None, "code": None, "phase": "before"}
        if (c["limit_bytes"] and body_bytes > c["limit_bytes"]) or \
                (c["limit_records"] and record_count > c["limit_records"]):
            out["limit"] = True
            return out
        if c["methods"] and method not in c["methods"]:
            return out
        if c["p_slow"] and self.rng.random() < c["p_slow"]:
            out["slow_s"] = c["slow_ms"] / 1000.0
        roll = self.rng.random()
        if roll < c["p_5xx"]:
            out["kind"] = "5xx"
            out["code"] = self.rng.choice(c["codes"] or [502])
        elif roll < c["p_5xx"] + c["p_timeout"]:
            out["kind"] = "timeout"
        if out["kind"]:
            phase = c["phase"]
            if phase == "random":
                phase = "before" if self.rng.random() < 0.5 else "after"
            out["phase"] = phase
        return out
