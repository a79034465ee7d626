// A throwaway redis-server for the scale-out tests: loopback only, no snapshots; started
// when it accepts connections, stopped with SIGKILL. Touches a child process and a port.
//
// The fixed ports of the scale-out tests (Redis 273xx, proxies 255xx) sit below 32768,
// outside Linux's ephemeral range (32768-60999): a port in that range can be handed to any
// socket bound to port 0, and a proxy or Redis that then fails to bind leaves `waitPort`
// talking to whoever holds it (CI once saw HAProxy's port held by a node's test proxy).
import { spawn } from 'node:child_process';
import net from 'node:net';

/// Resolves once 127.0.0.1:port accepts a connection.
export const waitPort = (port) => new Promise((res) => {
  const tryConnect = () => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(); });
    s.on('error', () => setTimeout(tryConnect, 50));
  };
  tryConnect();
});

/// Starts redis-server on port; resolves with its process once it listens.
export async function startRedis(port) {
  const p = spawn('redis-server', ['--port', String(port), '--save', '', '--bind', '127.0.0.1'],
    { stdio: 'ignore' });
  await waitPort(port);
  return p;
}

/// Kills it (SIGKILL: nothing to save) and resolves when it has exited.
export const stopRedis = (p) => new Promise((res) => { p.on('exit', res); p.kill('SIGKILL'); });
