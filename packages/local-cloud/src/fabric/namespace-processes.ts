import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnInNamespace } from './host-commands.js';

// Both programs run under the cloud's own Node inside a namespace; they are plain JavaScript so no loader is needed.
const proberProgram = `
const net = require('node:net');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const probe = JSON.parse(line);
  let settled = false;
  const done = (ok) => { if (settled) return; settled = true; socket.destroy(); process.stdout.write(JSON.stringify({ id: probe.id, ok }) + '\\n'); };
  const socket = net.connect({ host: probe.ip, port: probe.port, localAddress: probe.source });
  socket.setTimeout(probe.timeoutMs, () => done(false));
  socket.on('connect', () => done(true));
  socket.on('error', () => done(false));
});`;

const serverProgram = `
const net = require('node:net');
const spec = JSON.parse(process.argv[1]);
const seen = (port, socket) => process.stdout.write(JSON.stringify({ port, peer: socket.remoteAddress }) + '\\n');
// One HTTP answer per connection, with a fixed body.
const answer = (port, reply) => (socket) => {
  seen(port, socket);
  socket.once('data', () => {
    const body = reply + '\\n';
    socket.end('HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\ncontent-length: ' + Buffer.byteLength(body) + '\\r\\nconnection: close\\r\\n\\r\\n' + body);
  });
  socket.on('error', () => undefined);
};
for (const { port, reply } of spec.http) net.createServer(answer(port, reply)).listen(port, spec.address);
// HTTPS: the same answer over TLS with the server's own certificate, so a client can validate it end to end.
for (const { port, reply, certPem, keyPem } of spec.https ?? []) {
  require('node:tls')
    .createServer({ cert: certPem, key: keyPem }, answer(port, reply))
    .on('tlsClientError', () => undefined)
    .listen(port, spec.address);
}
for (const port of spec.echo) {
  net.createServer((socket) => { seen(port, socket); socket.pipe(socket); socket.on('error', () => undefined); }).listen(port, spec.address);
}
process.stdout.write(JSON.stringify({ ready: true }) + '\\n');`;

/** TCP probes from a fixed source address, answered in the order they finish. */
export class NamespaceProber {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  private next = 0;

  constructor(namespace: string) {
    this.child = spawnInNamespace(namespace, [process.execPath, '-e', proberProgram]);
    this.child.stdin!.on('error', () => undefined);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const { id, ok } = JSON.parse(line) as { id: number; ok: boolean };
      this.waiting.get(id)?.(ok);
      this.waiting.delete(id);
    });
    this.child.on('exit', () => {
      for (const answer of this.waiting.values()) answer(false);
      this.waiting.clear();
    });
  }

  /** True when a TCP connection from `source` to ip:port completes within the timeout. */
  probe(source: string, ip: string, port: number, timeoutMs: number): Promise<boolean> {
    if (this.child.exitCode !== null) return Promise.resolve(false);
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(JSON.stringify({ id, ip, port, source, timeoutMs }) + '\n');
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** What a test server answers: HTTP ports with a fixed body, raw TCP echo ports, and HTTPS ports. */
export interface ServerReplies {
  http: { port: number; reply: string }[];
  echo: number[];
  /** HTTP over TLS with a fixed body, served with this certificate (chain) and key, PEM. */
  https?: { port: number; reply: string; certPem: string; keyPem: string }[];
}

/** A server in a namespace that records the peer address of every connection. */
export class NamespaceServer {
  private readonly child: ChildProcess;
  /** Peer addresses seen, in order, with the port they connected to. */
  readonly peers: { port: number; peer: string }[] = [];
  readonly ready: Promise<void>;

  constructor(namespace: string, address: string, replies: ServerReplies) {
    this.child = spawnInNamespace(namespace, [
      process.execPath,
      '-e',
      serverProgram,
      JSON.stringify({ address, ...replies }),
    ]);
    let markReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => (markReady = resolve));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { ready?: boolean; port: number; peer: string };
      if (event.ready === true) markReady();
      else this.peers.push({ port: event.port, peer: event.peer.replace(/^::ffff:/, '') });
    });
    this.child.on('exit', markReady);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
