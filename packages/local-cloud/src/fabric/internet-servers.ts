import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnInNamespace } from './host-commands.js';

/** One public HTTPS origin: its addresses, certificate, and what `GET /` answers. */
export interface OriginSpec {
  name: string;
  ip: string;
  certPem: string;
  keyPem: string;
  reply: string;
}

/** The package mirror: HTTP and HTTPS on one address, serving files (URL path to file) and generated texts. */
export interface MirrorSpec {
  name: string;
  ip: string;
  certPem: string;
  keyPem: string;
  files: Record<string, string>;
  texts: Record<string, string>;
}

// Runs under the cloud's own Node inside the internet namespace; plain JavaScript, so no loader is needed.
const program = `
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const spec = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const seen = (host, port, socket) =>
  process.stdout.write(JSON.stringify({ host, port, peer: socket.remoteAddress }) + '\\n');
const chunk = Buffer.alloc(65536, 120);
function originHandler(origin) {
  return (request, response) => {
    const bytes = /^\\/bytes\\/(\\d+)$/.exec(request.url || '');
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(origin.reply + '\\n');
    } else if (bytes) {
      let left = Number(bytes[1]);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': left });
      const more = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!response.write(piece)) return void response.once('drain', more);
        }
        response.end();
      };
      more();
    } else response.writeHead(404).end('not found\\n');
  };
}
function mirrorHandler(mirror) {
  return (request, response) => {
    const path = (request.url || '').split('?')[0];
    if (mirror.texts[path] !== undefined) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(mirror.texts[path]);
    } else if (mirror.files[path] !== undefined) {
      const size = fs.statSync(mirror.files[path]).size;
      response.writeHead(200, { 'content-type': 'application/vnd.debian.binary-package', 'content-length': size });
      fs.createReadStream(mirror.files[path]).pipe(response);
    } else response.writeHead(404).end('not found\\n');
  };
}
let pending = 0;
const listening = () => { if (--pending === 0) process.stdout.write(JSON.stringify({ ready: true }) + '\\n'); };
function serve(host, ip, tls, handler, plain) {
  const secure = https.createServer({ cert: tls.certPem, key: tls.keyPem, keepAliveTimeout: 5000 }, handler);
  secure.on('secureConnection', (socket) => seen(host, 443, socket));
  secure.on('tlsClientError', () => undefined);
  pending++;
  secure.listen({ host: ip, port: 443, backlog: 4096 }, listening);
  if (plain) {
    const server = http.createServer(handler);
    server.on('connection', (socket) => seen(host, 80, socket));
    pending++;
    server.listen({ host: ip, port: 80, backlog: 4096 }, listening);
  }
}
for (const origin of spec.origins) serve(origin.name, origin.ip, origin, originHandler(origin), false);
if (spec.mirror) serve(spec.mirror.name, spec.mirror.ip, spec.mirror, mirrorHandler(spec.mirror), true);
if (pending === 0) process.stdout.write(JSON.stringify({ ready: true }) + '\\n');`;

/** The origins and the mirror of the simulated internet, one Node process that records every peer by host. */
export class InternetServers {
  private readonly child: ChildProcess;
  /** Peer addresses each public host has seen, in order, with the port. */
  readonly peers = new Map<string, { port: number; peer: string }[]>();
  readonly ready: Promise<void>;

  constructor(namespace: string, specFile: string) {
    this.child = spawnInNamespace(namespace, [process.execPath, '-e', program, specFile]);
    this.child.stdin!.end();
    let markReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => (markReady = resolve));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { ready?: boolean; host: string; port: number; peer: string };
      if (event.ready === true) return markReady();
      const list = this.peers.get(event.host) ?? [];
      list.push({ port: event.port, peer: event.peer.replace(/^::ffff:/, '') });
      this.peers.set(event.host, list);
    });
    this.child.stderr!.resume();
    this.child.on('exit', markReady);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
