"""The a.s.r. receiver test double: token, schema, idempotency, receipts, knobs, file drop."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from payroll_link.handoff.build import compose
from payroll_link.handoff.message import encode
from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.filedrop import scan_drop_folder
from simulators.asr_receiver.fixture import running_receiver
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


@pytest.fixture
def receiver():
    with running_receiver() as server:
        yield server


@pytest.fixture(scope="module")
def message() -> dict:
    rows = inputs(employee(101), employee(102, partner=True))
    return compose(rows, employer(), MONTH, "0f8b3c52-6d0e-4a51-9c1e-2b7d4e6f8a90", settings(),
                   None)[0]


def post(server, body: bytes, key: str | None = "key-1", headers=None, timeout=5):
    sent = {**AUTH, **({"Idempotency-Key": key} if key else {}), **(headers or {})}
    return requests.post(server.endpoint, data=body, headers=sent, timeout=timeout)


def test_a_valid_message_gets_a_receipt_and_a_repeat_the_same_one(receiver, message):
    first = post(receiver, encode(message))
    again = post(receiver, encode(message))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["receipt_id"] == again.json()["receipt_id"]
    assert again.json()["duplicate"] and first.json()["stands"] == 2
    receipts = requests.get(f"{receiver.url}/admin/receipts", timeout=5).json()
    assert len(receipts) == 1 and receiver.state.store.stats["accepted"] == 1


def test_the_bearer_token_is_required(receiver, message):
    answer = requests.post(receiver.endpoint, data=encode(message), timeout=5,
                           headers={"Idempotency-Key": "k", "Authorization": "Bearer nope"})
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"


def test_an_idempotency_key_is_required_and_not_reusable_for_another_body(receiver, message):
    assert post(receiver, encode(message), key=None).status_code == 400
    assert post(receiver, encode(message), key="k").status_code == 201
    other = json.loads(encode(message))
    other["stands"].pop()
    assert post(receiver, json.dumps(other).encode(), key="k").status_code == 409


def test_an_invalid_message_is_refused_with_the_reason_and_no_values(receiver, message):
    broken = json.loads(encode(message))
    bsn = broken["stands"][0]["identity"]["bsn"]
    broken["stands"][0]["identity"]["bsn"] = bsn[:5]
    answer = post(receiver, json.dumps(broken).encode())
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "schema_invalid" and "identity.bsn (pattern)" in body["reason"]
    assert {"path": "$.stands[0](employee 101).identity.bsn", "rule": "pattern"} in \
        body["problems"]
    assert bsn[:5] not in answer.text
    assert post(receiver, b"not json", key="x").json()["error"] == "invalid_json"


def test_a_tampered_content_hash_is_refused(receiver, message):
    tampered = json.loads(encode(message))
    tampered["stands"][0]["salary"]["amount"] = "1.00"
    answer = post(receiver, json.dumps(tampered).encode())
    assert answer.status_code == 422 and answer.json()["error"] == "content_hash_mismatch"


def test_knobs_make_it_fail_then_recover(receiver, message):
    requests.post(f"{receiver.url}/admin/knobs", json={"fail_next": 2, "fail_status": 502},
                  timeout=5)
    statuses = [post(receiver, encode(message)).status_code for _ in range(3)]
    assert statuses == [502, 502, 201]
    requests.post(f"{receiver.url}/admin/knobs", json={"down": True}, timeout=5)
    assert post(receiver, encode(message), key="k2").status_code == 503
    bad = requests.post(f"{receiver.url}/admin/knobs", json={"nope": 1}, timeout=5)
    assert bad.status_code == 400
    requests.post(f"{receiver.url}/admin/reset", timeout=5)
    assert requests.get(f"{receiver.url}/admin/stats", timeout=5).json()["accepted"] == 0


def test_slow_answer_still_stores_the_message_once(receiver, message):
    receiver.state.knobs.delay_s = 0.5
    with pytest.raises(requests.Timeout):
        post(receiver, encode(message), timeout=0.2)
    receiver.state.knobs.delay_s = 0
    assert post(receiver, encode(message)).json()["duplicate"] is True


def test_file_drop_scan_accepts_good_manifests_and_rejects_bad_ones(tmp_path, message):
    body = encode(message)
    (tmp_path / "a.json").write_bytes(body)
    (tmp_path / "b.json").write_bytes(body)
    good = {"message_file": "a.json", "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body), "idempotency_key": "drop-1"}
    (tmp_path / "a.manifest.json").write_text(json.dumps(good))
    (tmp_path / "b.manifest.json").write_text(json.dumps({**good, "message_file": "b.json",
                                                          "sha256": "0" * 64}))
    (tmp_path / "c.manifest.json").write_text(json.dumps({**good, "message_file": "a.json"}))
    a, b, c = scan_drop_folder(tmp_path)
    assert a["status"] == "accepted" and (tmp_path / "a.receipt.json").exists()
    assert b["status"] == "rejected" and b["error"] == "sha256_mismatch"
    assert c["duplicate"] and c["receipt_id"] == a["receipt_id"]  # same key: stored once


def test_runs_as_a_command_on_a_given_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ASR_RECEIVER_TOKEN": "cli-token"}
    proc = subprocess.Popen([sys.executable, "-m", "simulators.asr_receiver", "--port",
                             str(port), "--delay-ms", "10"], env=env, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert "a.s.r. receiver on" in proc.stdout.readline()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            knobs = requests.get(f"http://127.0.0.1:{port}/admin/knobs", timeout=2).json()
            if knobs:
                break
        assert knobs["delay_s"] == pytest.approx(0.01)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
