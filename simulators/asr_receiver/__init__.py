"""The a.s.r. receiver test double: takes stands messages over HTTPS-like POST or a file drop.

Beside the Nmbrs simulator (``simulators/nmbrs_sim``): used by tests, benchmarks and the demo.
It validates each message against the repo's schema (``stands-message.v2``) and its content
hash, requires the bearer token, dedupes by Idempotency-Key (same key → same receipt, stored
once), answers with receipts, and can be told to fail or slow down (start options and
``POST /admin/knobs``). ``filedrop.scan_drop_folder`` is the file-drop side.

    python -m simulators.asr_receiver --port 8766            # token: $ASR_RECEIVER_TOKEN
    from simulators.asr_receiver.fixture import running_receiver   # tests
"""

DEFAULT_TOKEN = "sim-asr-token-0000"  # obviously fake; a real token lives in a connection
ENDPOINT = "/v1/stands"
