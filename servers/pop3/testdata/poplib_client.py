"""Log in to a POP3 server with Python's poplib, as a third-party client.

Usage: poplib_client.py HOST PORT USER PASSWORD

Prints one line per fact for the Go test to assert on:
  stat COUNT SIZE
  uidl NUM UID
  retr NUM OCTETS SHA256-OF-CONTENT-WITH-CRLF
  dele NUM REPLY
  quit REPLY
"""
import hashlib
import poplib
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
p = poplib.POP3(host, port, timeout=10)
print("welcome", p.getwelcome().decode())
print("capa", " ".join(sorted(p.capa().keys())))
p.user(user)
p.pass_(password)
count, size = p.stat()
print("stat", count, size)
for entry in p.uidl()[1]:
    print("uidl", entry.decode())
for num in range(1, count + 1):
    resp, lines, octets = p.retr(num)
    data = b"".join(line + b"\r\n" for line in lines)
    print("retr", num, len(data), hashlib.sha256(data).hexdigest())
    print("dele", num, p.dele(num).decode())
print("quit", p.quit().decode())
