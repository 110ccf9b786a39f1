"""The API token never shows in a repr, a log line or an exception text."""

from __future__ import annotations

import logging
import pickle

import pytest

from nmbrs.client import NmbrsConfigError, NmbrsError, NmbrsSettings
from simulators.nmbrs_sim.knobs import FaultRule

TOKEN = "sim-token-bakkerij-0001"


def test_settings_repr_and_str_hide_the_token():
    settings = NmbrsSettings(username="a@b.nl", token=TOKEN, domain="d")
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.token)
    assert TOKEN not in f"{settings.token}" and settings.token.reveal() == TOKEN
    with pytest.raises(TypeError):
        pickle.dumps(settings.token)


def test_missing_token_is_a_config_error_without_secrets():
    with pytest.raises(NmbrsConfigError, match="API token for a@b.nl is missing"):
        NmbrsSettings(username="a@b.nl", token="")


@pytest.mark.simulator
def test_token_absent_from_logs_and_errors(make_client, nmbrs_sim, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("zeep", "urllib3", "requests", "nmbrs"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    nmbrs_sim.state.knobs.faults.append(FaultRule(kind="http503", nth=1, times=1))
    client = make_client("koppeling@bakkerijvandenberg.nl")
    client.company.company_get_current_period(2001)
    texts = [repr(client), repr(client.settings)]
    for call in (lambda: client.employee.personal_info_get_current(20030001),
                 lambda: make_client("koppeling@bakkerijvandenberg.nl", domain="x")
                 .company.company_get_current_period(2001)):
        with pytest.raises(NmbrsError) as err:
            call()
        texts += [str(err.value), repr(err.value), str(err.value.__cause__)]
    logging.getLogger("zeep").setLevel(logging.WARNING)
    assert caplog.records, "the retry must have logged something"
    assert all(TOKEN not in text for text in texts + [caplog.text])
