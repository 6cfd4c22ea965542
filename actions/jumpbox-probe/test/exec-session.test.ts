import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runExecSession } from '../src/exec-session.js';
import { parseProbeOutput, probeScript } from '../src/probes.js';

// A tiny exec server with ACI's framing: password first, then stdin frames to /bin/sh, output as text
// frames, closed when the command exits, no exit code.
let server: WebSocketServer;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/exec`;
  server.on('connection', (ws) => {
    let shell: ReturnType<typeof spawn> | undefined;
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      if (shell) return void shell.stdin!.write(text);
      if (text !== 'the-password') return ws.close(4001, 'wrong password');
      shell = spawn('/bin/sh', [], { stdio: 'pipe', detached: true });
      shell.stdout!.on('data', (chunk: Buffer) => ws.send(chunk.toString()));
      shell.stderr!.on('data', (chunk: Buffer) => ws.send(chunk.toString()));
      shell.on('close', () => ws.close(1000));
    });
    // The whole process group, so that a sleeping grandchild does not hold the pipes open.
    ws.on('close', () => shell?.exitCode === null && process.kill(-shell.pid!, 'SIGKILL'));
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

describe('an exec session over the global WebSocket client', () => {
  it('sends the password first, then the script, and collects output until the server closes', async () => {
    const marker = 'azpn-status-feedfacefeedface';
    const seen: string[] = [];
    const transcript = await runExecSession(
      url,
      'the-password',
      probeScript('echo one; sleep 0.2; echo two; exit 4', marker),
      5000,
      (text) => seen.push(text),
    );
    expect(seen.join('')).toBe(transcript.stream);
    expect(seen.length).toBeGreaterThan(1);
    expect(received[0]).toBe('the-password');
    expect(transcript.timedOut).toBe(false);
    expect(parseProbeOutput(transcript.stream, marker)).toEqual({ output: 'one\ntwo\n', status: 4 });
  });

  it('cuts the session at the timeout, which ends the command', async () => {
    const started = Date.now();
    const transcript = await runExecSession(
      url,
      'the-password',
      probeScript('echo waiting; sleep 30', 'azpn-status-x1'),
      700,
    );
    expect(transcript.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(parseProbeOutput(transcript.stream, 'azpn-status-x1')).toEqual({ output: 'waiting\n' });
  });

  it('reports a refused password and an unreachable server as errors', async () => {
    await expect(runExecSession(url, 'wrong', 'true\n', 5000)).rejects.toThrow('refused its password');
    await expect(runExecSession('ws://127.0.0.1:9/exec', 'p', 'true\n', 5000)).rejects.toThrow(
      'could not open the exec websocket at 127.0.0.1:9',
    );
  });
});
