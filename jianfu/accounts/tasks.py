"""Celery task of account management: e-mail one sign-in link (safe to run twice)."""

from __future__ import annotations

import smtplib

from celery import shared_task

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(name="jianfu.accounts.send_link", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_account_link(link_id: int) -> bool:
    from jianfu.accounts.services import account_link_send

    return account_link_send(link_id=link_id)
