"""Payroll sources: each maps its own wire shapes to the canonical rows of payroll_link.staging.

``base`` holds the contract (``PayrollSource``, ``Fetched``, ``Drift``); ``soap`` the Nmbrs SOAP v3
source. Nothing after extraction imports a source's client: steps, warehouse, quality and
handoff see canonical rows and raw wire bytes only.
"""
