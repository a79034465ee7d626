# Sequential keep-alive GETs of one path against a running server: prints requests/s and the
# median round trip. Usage: python3 benches/getbench.py PORT PATH COUNT [COOKIE]
# (BENCHMARKS.md); COOKIE (`name=value`) is sent with every request.
import socket, sys, time, statistics
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
cookie = f"Cookie: {sys.argv[4]}\r\n" if len(sys.argv) > 4 else ""
req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}\r\n".encode()
buf = b""
lat = []
t0 = time.perf_counter()
for _ in range(n):
    a = time.perf_counter()
    s.sendall(req)
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, rest = buf.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:40]
    ln = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < ln:
        rest += s.recv(65536)
    buf = rest[ln:]
    lat.append(time.perf_counter() - a)
el = time.perf_counter() - t0
print(f"{n/el:.0f} req/s median {statistics.median(lat)*1e6:.1f} us")
