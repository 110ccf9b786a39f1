"""Delivery adapters: connection mapping, HTTPS to the receiver (retries, keys), file drop."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from payroll_link.handoff.adapters import Envelope, adapter_from
from payroll_link.handoff.adapters.filedrop import FileDropAdapter
from payroll_link.handoff.adapters.https import HttpsAdapter
from payroll_link.handoff.build import compose
from payroll_link.handoff.errors import (
    DeliveryConflictError,
    DeliveryRejectedError,
    DeliveryTransientError,
    HandoffConfigError,
)
from payroll_link.handoff.message import encode, idempotency_key
from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.filedrop import scan_drop_folder
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings


@pytest.fixture
def envelope() -> Envelope:
    message = compose(inputs(employee(101), employee(102)), employer(), MONTH,
                      "0f8b3c52-6d0e-4a51-9c1e-2b7d4e6f8a90", settings(), None)[0]
    digest = message["employer"]["content_hash"]
    return Envelope(encode(message), idempotency_key("synthetic_bv", "2026-10", 1, digest),
                    message["message"]["message_id"], "synthetic_bv", "2026-10", 1, digest,
                    message["schema"])


def test_connection_types_choose_the_adapter(tmp_path):
    https = adapter_from("asr_https", "https://api.example.invalid/koppeling", None, "t0k3n",
                         '{"endpoint": "v1/stands", "attempts": 2}')
    assert isinstance(https, HttpsAdapter) and https.target.endswith("/koppeling/v1/stands")
    assert https.attempts == 2
    drop = adapter_from("asr_file_drop", None, None, None, {"path": str(tmp_path)})
    assert isinstance(drop, FileDropAdapter) and drop.target == str(tmp_path)
    with pytest.raises(HandoffConfigError, match="sftp"):
        adapter_from("sftp", "sftp.example.invalid", "user", "secret", None)


def test_plain_http_to_a_remote_host_is_refused_and_the_token_never_shows():
    with pytest.raises(HandoffConfigError) as caught:
        adapter_from("asr_https", "http://asr.example.invalid", None, "s3cr3t-token", None)
    assert "s3cr3t-token" not in str(caught.value)
    with pytest.raises(HandoffConfigError, match="bearer token"):
        adapter_from("asr_https", "https://asr.example.invalid", None, None, None)


def test_https_delivery_returns_the_receipt_and_a_repeat_gets_the_same(https_adapter,
                                                                      asr_receiver, envelope):
    first = https_adapter.deliver(envelope)
    again = https_adapter.deliver(envelope)
    assert first.receipt_id == again.receipt_id and again.duplicate and not first.duplicate
    assert asr_receiver.state.store.stats["accepted"] == 1


def test_https_retries_5xx_then_delivers_once(https_adapter, asr_receiver, envelope):
    asr_receiver.state.knobs.fail_next = 2
    receipt = https_adapter.deliver(envelope)
    stats = asr_receiver.state.store.stats
    assert receipt.receipt_id and stats["failed_on_purpose"] == 2 and stats["accepted"] == 1


def test_https_gives_up_transiently_when_the_receiver_stays_down(https_adapter, asr_receiver,
                                                                 envelope):
    asr_receiver.state.knobs.down = True
    with pytest.raises(DeliveryTransientError, match=r"3 attempts .* \(last: HTTP 503\)"):
        https_adapter.deliver(envelope)


def test_a_timed_out_answer_is_retried_and_deduplicated(asr_receiver, envelope):
    asr_receiver.state.knobs.delay_s = 0.6  # stores, then answers too late for the client
    adapter = HttpsAdapter(asr_receiver.endpoint, DEFAULT_TOKEN, read_timeout=0.2, attempts=4,
                           sleep=lambda _: None)
    with pytest.raises(DeliveryTransientError, match="ReadTimeout"):
        adapter.deliver(envelope)
    asr_receiver.state.knobs.delay_s = 0.0
    receipt = adapter.deliver(envelope)
    assert receipt.duplicate and asr_receiver.state.store.stats["accepted"] == 1


def test_a_wrong_token_is_rejected_not_retried(asr_receiver, envelope):
    adapter = HttpsAdapter(asr_receiver.endpoint, "wrong-token", sleep=lambda _: None)
    with pytest.raises(DeliveryRejectedError) as caught:
        adapter.deliver(envelope)
    assert caught.value.status == 401 and caught.value.code == "unauthorized"
    assert "wrong-token" not in str(caught.value)
    assert asr_receiver.state.store.stats["posts"] == 1


def test_a_key_reused_for_another_body_is_a_conflict(https_adapter, envelope):
    https_adapter.deliver(envelope)
    other = Envelope(envelope.body.replace(b'"version": 1', b'"version": 1 '), *[
        getattr(envelope, f) for f in ("idempotency_key", "message_id", "employer_id", "period",
                                       "version", "content_hash", "schema_name")])
    with pytest.raises(DeliveryConflictError, match="409"):
        https_adapter.deliver(other)


def test_connection_refused_is_transient(envelope):
    adapter = HttpsAdapter("http://127.0.0.1:9/v1/stands", DEFAULT_TOKEN, attempts=2,
                           sleep=lambda _: None, connect_timeout=0.5)
    with pytest.raises(DeliveryTransientError, match="ConnectionError"):
        adapter.deliver(envelope)


def test_file_drop_writes_message_then_manifest_and_is_idempotent(tmp_path, envelope):
    adapter = FileDropAdapter(tmp_path / "outbox")
    first = adapter.deliver(envelope)
    again = adapter.deliver(envelope)
    assert first.receipt_id == again.receipt_id and again.duplicate
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == ["ASR-WG-999001.2026-10.v1.json", "ASR-WG-999001.2026-10.v1.manifest.json"]
    manifest = json.loads((tmp_path / "outbox" / files[1]).read_text())
    assert manifest["sha256"] == hashlib.sha256(envelope.body).hexdigest()
    assert manifest["idempotency_key"] == envelope.idempotency_key


def test_receiver_scans_the_drop_folder_and_verifies_sha256(tmp_path, envelope):
    folder = tmp_path / "drop"
    FileDropAdapter(folder).deliver(envelope)
    [receipt] = scan_drop_folder(folder)
    assert receipt["status"] == "accepted" and receipt["stands"] == 2
    assert scan_drop_folder(folder)[0]["receipt_id"] == receipt["receipt_id"]
    tampered = envelope.body.replace(b"Utrecht", b"Utrecht!", 1)
    FileDropAdapter(folder).deliver(Envelope(tampered, "k2", "ASR-WG-999001.2026-10.v2",
                                             "synthetic_bv", "2026-10", 2, "sha256:x", "s"))
    (folder / "ASR-WG-999001.2026-10.v2.json").write_bytes(tampered + b" ")
    rejected = [r for r in scan_drop_folder(folder) if r["manifest"].endswith("v2.manifest.json")]
    assert rejected[0]["status"] == "rejected" and rejected[0]["error"] == "size_mismatch"


def test_receiver_answers_health(asr_receiver):
    assert requests.get(asr_receiver.url + "/health", timeout=5).json() == {"status": "ok"}
