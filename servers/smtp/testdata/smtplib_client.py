#!/usr/bin/env python3
"""Talks to the server under test with Python's smtplib, as a third-party
client would, and prints one "<check> <reply code>" line per check. The Go
test (tools_test.go) compares the lines with what it expects.

usage: smtplib_client.py HOST PORT
"""
import smtplib
import sys

host, port = sys.argv[1], int(sys.argv[2])
MSG = (b"From: Lisa <lisa@otherisp.com>\r\nTo: bob@comentum.com\r\n"
       b"Subject: from smtplib\r\n\r\nHello from Python.\r\n")


def report(name, code):
    print(name, code, flush=True)


# An outside server delivering to a local user, a relay attempt and an
# unknown user, in one session.
with smtplib.SMTP(host, port, local_hostname="smtp.otherisp.com") as s:
    code, _ = s.ehlo()
    report("ehlo", code)
    report("ehlo-auth", "yes" if s.has_extn("auth") else "no")
    report("mail", s.mail("lisa@otherisp.com")[0])
    report("rcpt-local", s.rcpt("bob@comentum.com")[0])
    report("rcpt-relay", s.rcpt("someone@elsewhere.example")[0])
    report("rcpt-unknown", s.rcpt("nobody@comentum.com")[0])
    report("data", s.data(MSG)[0])
    report("rset", s.rset()[0])
    report("rcpt-before-mail", s.rcpt("bob@comentum.com")[0])

# Bob authenticates and may then send anywhere.
with smtplib.SMTP(host, port, local_hostname="bobs-laptop") as s:
    s.ehlo()
    s.user, s.password = "bob", "bobpw"
    report("auth-plain", s.auth("PLAIN", s.auth_plain)[0])
    refused = s.sendmail("bob@comentum.com", ["lisa@otherisp.com"],
                         b"Subject: reply\r\n\r\nNoon is fine.\r\n")
    report("sendmail-relay", 250 if not refused else 550)

with smtplib.SMTP(host, port, local_hostname="bobs-laptop") as s:
    s.ehlo()
    s.user, s.password = "bob@hiscompany.com", "bobpw"
    report("auth-login", s.auth("LOGIN", s.auth_login, initial_response_ok=False)[0])

with smtplib.SMTP(host, port, local_hostname="bobs-laptop") as s:
    s.ehlo()
    try:
        s.login("bob", "wrong")
        report("auth-bad", 235)
    except smtplib.SMTPAuthenticationError as e:
        report("auth-bad", e.smtp_code)
