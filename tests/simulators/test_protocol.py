"""The strict simulator refuses what an ASMX endpoint refuses, in ASMX's words."""

from __future__ import annotations

import pytest
import requests
from zeep.exceptions import Fault

from nmbrs.client import NmbrsAuthError
from nmbrs.client import transport as client_transport
from nmbrs.client.errors import translate
from tests.conftest import account

pytestmark = pytest.mark.simulator

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"
NS = "https://api.nmbrs.nl/soap/v3/CompanyService"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


def envelope(acc, envelope_ns: str = SOAP11, domain: str | None = None) -> bytes:
    domain = acc.domain if domain is None else domain
    return (f'<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="{envelope_ns}">'
            f'<e:Header><AuthHeaderWithDomain xmlns="{NS}"><Username>{acc.username}</Username>'
            f"<Token>{acc.token}</Token><Domain>{domain}</Domain></AuthHeaderWithDomain>"
            f'</e:Header><e:Body><Company_GetCurrentPeriod xmlns="{NS}"><CompanyId>2001'
            "</CompanyId></Company_GetCurrentPeriod></e:Body></e:Envelope>").encode()


def post(sim, body: bytes, ctype: str, action: str | None = f"{NS}/Company_GetCurrentPeriod"):
    headers = {"Content-Type": ctype}
    if action is not None:
        headers["SOAPAction"] = f'"{action}"'
    return requests.post(f"{sim.url}CompanyService.asmx", data=body, headers=headers, timeout=5)


@pytest.fixture
def acc(nmbrs_sim):
    return account(nmbrs_sim.state.world, BAKKERIJ)


def test_soap_11_answers_in_a_soap_11_envelope(nmbrs_sim, acc):
    answer = post(nmbrs_sim, envelope(acc), "text/xml; charset=utf-8")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
    assert SOAP11.encode() in answer.content and b"2026-11-M" in answer.content


def test_soap_12_answers_in_a_soap_12_envelope(nmbrs_sim, acc):
    ctype = f'application/soap+xml; charset=utf-8; action="{NS}/Company_GetCurrentPeriod"'
    answer = post(nmbrs_sim, envelope(acc, SOAP12), ctype, action=None)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/soap+xml")
    assert SOAP12.encode() in answer.content and b"2026-11-M" in answer.content


def test_zeep_over_the_soap_12_binding_calls_and_reads_faults(nmbrs_sim, acc):
    client = client_transport.zeep_client("CompanyService")
    proxy = client.create_service(f"{{{NS}}}CompanyServiceSoap12",
                                  f"{nmbrs_sim.url}CompanyService.asmx")
    header = client.get_element(f"{{{NS}}}AuthHeaderWithDomain")
    good = header(Username=acc.username, Token=acc.token, Domain=acc.domain)
    assert proxy.Company_GetCurrentPeriod(CompanyId=2001, _soapheaders=[good]) == "2026-11-M"
    bad = header(Username=acc.username, Token="wrong", Domain=acc.domain)
    with pytest.raises(Fault) as caught:
        proxy.Company_GetCurrentPeriod(CompanyId=2001, _soapheaders=[bad])
    error = translate(caught.value, operation="CompanyService.Company_GetCurrentPeriod")
    assert isinstance(error, NmbrsAuthError) and error.code == 1001


@pytest.mark.parametrize("ctype", ["application/json", "text/plain", ""])
def test_a_wrong_content_type_is_http_415(nmbrs_sim, acc, ctype):
    assert post(nmbrs_sim, envelope(acc), ctype).status_code == 415


def test_an_envelope_of_the_other_soap_version_is_a_version_mismatch(nmbrs_sim, acc):
    answer = post(nmbrs_sim, envelope(acc, SOAP12), "text/xml; charset=utf-8")
    assert answer.status_code == 500 and b"soap:VersionMismatch" in answer.content


@pytest.mark.parametrize("domain", ["", "otherdomain"])
def test_an_empty_or_wrong_domain_is_fault_1001_in_asmx_words(nmbrs_sim, acc, domain):
    answer = post(nmbrs_sim, envelope(acc, domain=domain), "text/xml; charset=utf-8")
    assert answer.status_code == 500
    assert (b"<faultstring>System.Web.Services.Protocols.SoapException: Server was unable to "
            b"process request. ---&gt; 1001: Invalid Authentication</faultstring>"
            in answer.content)


def test_lax_mode_lets_an_empty_domain_pass(nmbrs_sim, acc):
    nmbrs_sim.state.knobs.update({"strict": False})
    answer = post(nmbrs_sim, envelope(acc, domain=""), "text/xml; charset=utf-8")
    assert answer.status_code == 200


def test_a_request_over_the_size_limit_gets_the_aspnet_error_page(nmbrs_sim, acc):
    nmbrs_sim.state.knobs.update({"max_request_bytes": 1000})
    padded = envelope(acc).replace(b"<e:Body>", b"<e:Body>" + b" " * 2000)
    answer = post(nmbrs_sim, padded, "text/xml; charset=utf-8")
    assert answer.status_code == 500 and answer.headers["Content-Type"].startswith("text/html")
    assert b"Maximum request length exceeded" in answer.content


def test_a_missing_soap_action_is_a_client_fault(nmbrs_sim, acc):
    answer = post(nmbrs_sim, envelope(acc), "text/xml; charset=utf-8", action=None)
    assert answer.status_code == 500 and b"<faultcode>soap:Client</faultcode>" in answer.content
    assert b"SoapException: Unable to handle request without a valid action" in answer.content


EMP_NS = "https://api.nmbrs.nl/soap/v3/EmployeeService"


def list_by_company(sim, acc, extra: str) -> bytes:
    body = (f'<e:Envelope xmlns:e="{SOAP11}"><e:Header><AuthHeaderWithDomain xmlns="{EMP_NS}">'
            f"<Username>{acc.username}</Username><Token>{acc.token}</Token><Domain>{acc.domain}"
            f'</Domain></AuthHeaderWithDomain></e:Header><e:Body><List_GetByCompany '
            f'xmlns="{EMP_NS}"><CompanyId>2001</CompanyId>{extra}</List_GetByCompany></e:Body>'
            "</e:Envelope>").encode()
    answer = requests.post(f"{sim.url}EmployeeService.asmx", data=body, timeout=5, headers={
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{EMP_NS}/List_GetByCompany"'})
    assert answer.status_code == 200
    return answer.content


def test_a_v21_style_employee_list_request_gets_nobody(nmbrs_sim, acc):
    assert b"<Employee>" in list_by_company(nmbrs_sim, acc, "<EmployeeType>1</EmployeeType>")
    assert b"<Employee>" not in list_by_company(nmbrs_sim, acc, "<active>all</active>")
    nmbrs_sim.state.knobs.update({"strict": False})
    assert b"<Employee>" in list_by_company(nmbrs_sim, acc, "<active>all</active>")
