#!/usr/bin/env python3
# A socket holder as systemd's vango.socket is: binds 127.0.0.1:0, prints "port N", runs the
# server given on the command line with the listening socket as fd 3 (LISTEN_FDS=1), and
# replaces it on a stdin line: "restart" starts the new process, waits for its READY=1,
# then SIGTERMs the old one (which drains); "kill" SIGKILLs the old one, then starts the new.
# Prints "ready PID" each time a process is ready. EOF on stdin stops the server.
import os, socket, subprocess, sys, tempfile

lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", 0))
lst.listen(4096)
os.dup2(lst.fileno(), 3)
os.set_inheritable(3, True)

notify_path = os.path.join(tempfile.mkdtemp(), "notify")
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(10)

def start():
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    for k in ("WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDNAMES"):
        env.pop(k, None)
    p = subprocess.Popen(
        ["sh", "-c", 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" "$@"'] + sys.argv[1:],
        pass_fds=(3,), env=env, stdin=subprocess.DEVNULL)
    while True:
        msg = notify.recv(4096).decode()
        if "READY=1" in msg:
            break
    print(f"ready {p.pid}", flush=True)
    return p

print(f"port {lst.getsockname()[1]}", flush=True)
child = start()
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "restart":
        old, child = child, start()
        old.terminate()
        old.wait()
    elif cmd == "kill":
        child.kill()
        child.wait()
        child = start()
child.terminate()
sys.exit(child.wait())
