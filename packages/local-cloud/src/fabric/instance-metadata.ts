import type { ChildProcess } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { spawnInNamespace } from './host-commands.js';

/** The Instance Metadata Service's address, the same in every VNet. */
export const metadataAddress = '169.254.169.254';

/** What the metadata service knows of one instance. */
export interface InstanceMetadata {
  name: string;
  vmScaleSetName: string;
  location: string;
  /** The scale set model's userData (base64), as the instance's current model has it. */
  userData: string;
}

// Runs under the cloud's own Node in a VNet router; re-reads the table on each request, so a model change applies
// at once. The answers follow IMDS: the Metadata header is required, compute/userData with format=text is base64.
const program = `
const fs = require('node:fs');
const http = require('node:http');
const table = process.argv[1];
http.createServer((request, response) => {
  const url = new URL(request.url, 'http://169.254.169.254');
  const fail = (status, error) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
  if (request.headers.metadata !== 'true') return fail(400, 'Bad request. Required metadata header not specified');
  if (!url.searchParams.get('api-version')) return fail(400, 'Bad request. api-version was not specified in the request');
  let instances = {};
  try { instances = JSON.parse(fs.readFileSync(table, 'utf8')); } catch {}
  const instance = instances[request.socket.remoteAddress.replace(/^::ffff:/, '')];
  if (instance === undefined) return fail(404, 'Not found');
  const compute = { name: instance.name, vmScaleSetName: instance.vmScaleSetName, location: instance.location, userData: instance.userData };
  const text = url.searchParams.get('format') === 'text';
  if (url.pathname === '/metadata/instance/compute/userData') return response.writeHead(200, { 'content-type': text ? 'text/plain' : 'application/json' }).end(text ? instance.userData : JSON.stringify(instance.userData));
  if (url.pathname === '/metadata/instance/compute') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(compute));
  if (url.pathname === '/metadata/instance') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ compute }));
  fail(404, 'Not found');
}).listen(80, '${metadataAddress}');`;

/** The Instance Metadata Service of one VNet: an HTTP responder on 169.254.169.254 in the VNet's router. */
export class InstanceMetadataService {
  private readonly child: ChildProcess;
  private written = '';

  constructor(
    namespace: string,
    private readonly tableFile: string,
  ) {
    this.child = spawnInNamespace(namespace, [process.execPath, '-e', program, tableFile]);
    this.child.stdin!.end();
    this.child.stdout!.resume();
    this.child.stderr!.resume();
  }

  /** Writes the table of the VNet's instances (by private address) when it changed. */
  async update(instances: Map<string, InstanceMetadata>): Promise<void> {
    const text = JSON.stringify(Object.fromEntries(instances));
    if (text === this.written) return;
    await writeFile(`${this.tableFile}.tmp`, text);
    await rename(`${this.tableFile}.tmp`, this.tableFile);
    this.written = text;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
