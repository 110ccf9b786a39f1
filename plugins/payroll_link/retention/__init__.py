"""Retention of personal data: policy (config/retention.yaml) and the purge that applies it."""
