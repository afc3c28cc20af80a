"""A small billing worker, written the way a hurried agent might (example input)."""

from __future__ import annotations

import logging
import pickle
import subprocess as sp

import requests
import yaml

logger = logging.getLogger(__name__)
API = requests.Session()


def load_rules(text: str) -> dict:
    return yaml.load(text, Loader=yaml.FullLoader)


def load_rules_safely(text: str) -> dict:
    return yaml.safe_load(text)


def restore_invoice(blob: bytes) -> object:
    return pickle.loads(blob)


def charge(customer_id: str, amount: int, tags: list[str] = []) -> int:
    logger.info(f"charging {customer_id}")
    response = API.post("https://billing.internal/charge", json={"id": customer_id, "amount": amount, "tags": tags})
    return response.status_code


def charge_with_timeout(customer_id: str, amount: int) -> int:
    logger.info("charging %s", customer_id)
    response = API.post(
        "https://billing.internal/charge", json={"id": customer_id, "amount": amount}, timeout=10
    )
    return response.status_code


def export(report: str) -> None:
    sp.run(f"lpr {report}", shell=True, check=True)


def refund(customer_id: str) -> None:
    try:
        API.post("https://billing.internal/refund", json={"id": customer_id}, timeout=10)
    except requests.RequestException:
        pass
