"""Stored pension messages are encrypted at rest; keys rotate with MultiFernet."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import text

from payroll_link.handoff import ledger, sealing
from payroll_link.handoff.service import deliver_period


def key_env(monkeypatch, *keys: bytes) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", json.dumps(
        {"conn_type": "generic", "password": ",".join(k.decode() for k in keys)}))


def test_sealed_body_opens_after_rotation_and_reseal_drops_the_old_key(monkeypatch):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    key_env(monkeypatch, old)
    stored = sealing.seal(b'{"bsn": "123456782"}')
    assert b"123456782" not in stored and Fernet(old).decrypt(stored) == b'{"bsn": "123456782"}'
    key_env(monkeypatch, new, old)  # rotation: the new key in front, the old one behind
    assert sealing.unseal(stored, sealing.SEALED) == b'{"bsn": "123456782"}'
    resealed = sealing.reseal(stored, sealing.SEALED, sealing.keyring())
    assert Fernet(new).decrypt(resealed) == b'{"bsn": "123456782"}'
    key_env(monkeypatch, new)  # the old key dropped after resealing
    assert sealing.unseal(resealed, sealing.SEALED) == b'{"bsn": "123456782"}'
    with pytest.raises(sealing.MessageKeyError, match="none of the keys of koppeling_message_key"):
        sealing.unseal(stored, sealing.SEALED)


@pytest.mark.parametrize(("value", "reason"), [
    (None, "no message key: define the Airflow connection koppeling_message_key"),
    ('{"conn_type": "generic", "password": "not-a-key"}', "is not a url-safe base64"),
])
def test_missing_or_bad_key_is_a_config_error(monkeypatch, value, reason):
    if value is None:
        monkeypatch.delenv("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", raising=False)
    else:
        monkeypatch.setenv("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", value)
    with pytest.raises(sealing.MessageKeyError, match=reason) as err:
        sealing.seal(b"x")
    assert "not-a-key" not in str(err.value)


def test_key_in_uri_form_of_the_connection_is_read(monkeypatch):
    key = Fernet.generate_key()
    monkeypatch.setenv("AIRFLOW_CONN_KOPPELING_MESSAGE_KEY", f"generic://:{key.decode()}@")
    assert Fernet(key).decrypt(sealing.seal(b"abc")) == b"abc"


@pytest.mark.postgres
@pytest.mark.simulator
def test_delivered_message_is_stored_encrypted_and_reads_back_exactly(
        extract_at, bakkerij, warehouse_engine, https_adapter, asr_receiver, handoff_config,
        sim_world):
    part, period = extract_at(2001, "monthly", 2026, 9)
    result = deliver_period(warehouse_engine, bakkerij, part.extraction_id, period,
                            https_adapter, config=handoff_config)
    received = requests.get(f"{asr_receiver.url}/admin/messages/{result['receipt_id']}",
                            timeout=5).json()
    with warehouse_engine.connect() as conn:
        row = conn.execute(text(
            "select m.body, m.format, d.message_sha256, d.delivery_id from ops.delivery_message "
            "m join ops.delivery d using (delivery_id) where d.employer_id = :e"),
            {"e": bakkerij.employer_id}).one()
        plain = ledger.message_body(conn, str(row.delivery_id))
    stored = bytes(row.body)
    bsns = [sim_world.employee(e).bsn for e in sim_world.company(2001).employee_ids()]
    assert row.format == "fernet" and not any(bsn.encode() in stored for bsn in bsns)
    assert hashlib.sha256(plain).hexdigest() == row.message_sha256
    assert json.loads(plain) == received
    assert any(bsn.encode() in plain for bsn in bsns), "the opened message carries the BSNs"
