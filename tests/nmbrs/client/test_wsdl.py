"""The packaged v3 WSDL files are generated from schema.py and served by the simulator."""

from __future__ import annotations

import pytest
import requests

from nmbrs.client.schema import OPERATIONS
from nmbrs.client.wsdlgen import render, wsdl_path


@pytest.mark.parametrize("service", list(OPERATIONS))
def test_committed_wsdl_matches_the_schema(service):
    assert wsdl_path(service).read_bytes() == render(service), (
        f"{service}.wsdl is stale: run python -m nmbrs.client.wsdlgen")


@pytest.mark.simulator
@pytest.mark.parametrize("service", list(OPERATIONS))
def test_simulator_serves_the_same_wsdl(nmbrs_sim, service):
    answer = requests.get(f"{nmbrs_sim.url}{service}.asmx?WSDL", timeout=5)
    assert answer.status_code == 200 and answer.content == wsdl_path(service).read_bytes()


@pytest.mark.simulator
def test_request_without_valid_soapaction_is_a_client_fault(nmbrs_sim):
    body = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            b'<List_GetAll xmlns="https://api.nmbrs.nl/soap/v3/DebtorService"/>'
            b"</soap:Body></soap:Envelope>")
    answer = requests.post(f"{nmbrs_sim.url}DebtorService.asmx", data=body, timeout=5,
                           headers={"Content-Type": "text/xml; charset=utf-8"})
    assert answer.status_code == 500 and b"valid soap action" in answer.content
    assert b"soap:Client" in answer.content
