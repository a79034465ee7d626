# Seeds the todo example: a new browser (cookie) with N todos added through the no-JS form
# POST; prints the cookie (`name=value`) for benches/getbench.py. Usage:
# python3 benches/todo_seed.py PORT N (BENCHMARKS.md).
import re, socket, sys, urllib.parse
port, n = int(sys.argv[1]), int(sys.argv[2])

def req(raw):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(raw.encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return data.decode("utf-8", "replace")

host = f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n"
page = req(f"GET /todos HTTP/1.1\r\n{host}\r\n")
cookie = re.search(r"(?im)^set-cookie: ([^;]*)", page).group(1)
# The first paint gave this browser its session id; the forms' token is bound to it.
token = re.search(r'name="_csrf" value="([^"]*)"', page).group(1)
for i in range(n):
    body = urllib.parse.urlencode({"_csrf": token, "title": f"Todo number {i + 1}"})
    r = req(f"POST /todos HTTP/1.1\r\n{host}Cookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n{body}")
    assert r.startswith("HTTP/1.1 303"), r[:300]
print(cookie)
