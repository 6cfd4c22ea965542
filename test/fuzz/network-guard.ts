import childProcess from 'node:child_process';
import dns from 'node:dns';
import net from 'node:net';

/** What the guard stopped: each attempt to open a socket, resolve a name or start a process. */
export interface GuardRecord {
  network: string[];
  processes: string[];
}

/**
 * Fails every socket, DNS lookup and child process of this process while it is on, and records each attempt:
 * an input refused "before any Azure call" must not even try one. Answers the record and a function that lifts
 * the guard.
 */
export function guardNetwork(): { record: GuardRecord; lift(): void } {
  const record: GuardRecord = { network: [], processes: [] };
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const spawn = childProcess.spawn;
  const execFile = childProcess.execFile;
  const refuse = (what: string, list: string[]) => {
    list.push(what);
    throw new Error(`blocked by the fuzz guard: ${what}`);
  };
  net.Socket.prototype.connect = function (...args: unknown[]) {
    const target = args[0] as { host?: string; port?: number; path?: string } | number | string;
    return refuse(
      `connect ${typeof target === 'object' ? `${target.host}:${target.port ?? target.path}` : String(target)}`,
      record.network,
    );
  } as typeof connect;
  (dns as { lookup: unknown }).lookup = (host: string) => refuse(`lookup ${host}`, record.network);
  (childProcess as { spawn: unknown }).spawn = (command: string) =>
    refuse(`spawn ${command}`, record.processes);
  (childProcess as { execFile: unknown }).execFile = (command: string) =>
    refuse(`execFile ${command}`, record.processes);
  return {
    record,
    lift() {
      net.Socket.prototype.connect = connect;
      (dns as { lookup: unknown }).lookup = lookup;
      (childProcess as { spawn: unknown }).spawn = spawn;
      (childProcess as { execFile: unknown }).execFile = execFile;
    },
  };
}
