import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ResourceStore } from '../../arm/resource-store.js';

/**
 * Runs an exec command for a container group. The default runs it on the host in a clean temporary directory;
 * the fabric supplies one that enters the group's network namespace.
 */
export interface ExecRunner {
  start(groupId: string, container: string, argv: string[]): ChildProcess;
}

/** Runs the command as a child process of the cloud, in a temporary directory removed when it exits. */
export const hostExecRunner: ExecRunner = {
  start(_groupId, _container, argv) {
    const directory = mkdtempSync(join(tmpdir(), 'local-cloud-exec-'));
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: directory,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so ending the session also ends what the command started.
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: directory },
    });
    const cleanup = () => rmSync(directory, { recursive: true, force: true });
    child.once('close', cleanup);
    child.once('error', cleanup);
    return child;
  },
};

/** Kills a command with everything it started (its process group, when it leads one). */
function endCommand(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

interface PendingSession {
  groupId: string;
  container: string;
  argv: string[];
  password: string;
  expiresAt: number;
}

const execPrefix = '/_exec/';

/**
 * The exec sessions of one cloud: `exec` registers a command and answers its websocket URI and password; the
 * websocket then takes the password as its first frame, streams the command's output as text frames, passes
 * later frames to its standard input, and closes when the command exits, with no exit code (as ACI does).
 */
export class ExecSessions {
  runner: ExecRunner = hostExecRunner;
  private readonly pending = new Map<string, PendingSession>();
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly live = new Set<ChildProcess>();

  /** Registers a command; the URI is valid for one connection within two minutes. */
  create(
    baseUrl: string,
    groupId: string,
    container: string,
    command: string,
  ): { webSocketUri: string; password: string } {
    const id = randomUUID();
    const password = randomBytes(24).toString('base64url');
    const argv = command.trim().split(/\s+/);
    this.pending.set(id, { groupId, container, argv, password, expiresAt: Date.now() + 120_000 });
    return { webSocketUri: `${baseUrl.replace(/^https:/, 'wss:')}${execPrefix}${id}`, password };
  }

  /** Takes an HTTP upgrade for an exec URI; answers false when the path is not one. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = request.url ?? '';
    if (!path.startsWith(execPrefix)) return false;
    const session = this.pending.get(path.slice(execPrefix.length));
    this.pending.delete(path.slice(execPrefix.length));
    if (session === undefined || session.expiresAt < Date.now()) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return true;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.serve(ws, session));
    return true;
  }

  private serve(ws: WebSocket, session: PendingSession): void {
    let child: ChildProcess | undefined;
    ws.on('message', (data) => {
      const text = data.toString();
      if (child === undefined) {
        if (text !== session.password) {
          ws.close(4001, 'wrong password');
          return;
        }
        child = this.runner.start(session.groupId, session.container, session.argv);
        this.live.add(child);
        const send = (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(chunk.toString('utf8'));
        child.stdout?.on('data', send);
        child.stderr?.on('data', send);
        child.stdin?.on('error', () => undefined);
        child.on('error', (error) => {
          if (ws.readyState === ws.OPEN) ws.send(`exec: ${error.message}\r\n`);
          ws.close(1000);
        });
        child.on('close', () => {
          this.live.delete(child!);
          ws.close(1000);
        });
        return;
      }
      // A command may exit before the input arrives; its closed stdin must not take the cloud down.
      if (child.stdin?.writable) child.stdin.write(data as Buffer);
    });
    ws.on('close', () => {
      if (child && child.exitCode === null) endCommand(child);
    });
  }

  /** Ends every running command (the cloud is stopping). */
  closeAll(): void {
    for (const child of this.live) endCommand(child);
    this.live.clear();
  }
}

const sessionsByStore = new WeakMap<ResourceStore, ExecSessions>();

/** The exec sessions of the cloud that owns `store`. */
export function execSessionsOf(store: ResourceStore): ExecSessions {
  let sessions = sessionsByStore.get(store);
  if (sessions === undefined) {
    sessions = new ExecSessions();
    sessionsByStore.set(store, sessions);
  }
  return sessions;
}
