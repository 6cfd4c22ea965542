import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A test certificate authority and one server certificate it signed, as PEM, with the CA's file for clients. */
export interface ServerCertificate {
  caPem: string;
  /** Where the CA certificate is written, for clients that take a file (`curl --cacert`). */
  caFile: string;
  certPem: string;
  keyPem: string;
}

/**
 * Makes a throwaway CA (valid two days) and a certificate for `hostname` signed by it, with openssl: the server's
 * name is in its subjectAltName, so a client that trusts only this CA validates the server end to end.
 */
export async function issueServerCertificate(hostname: string): Promise<ServerCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'azpn-test-ca-'));
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    ...['req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2'],
    ...['-subj', '/CN=azpn seed test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await run('openssl', [
    ...[
      'req',
      ...ecKey,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      `/CN=${hostname}`,
    ],
  ]);
  await writeFile(
    file('server.ext'),
    `subjectAltName=DNS:${hostname}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  await run('openssl', [
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext')],
  ]);
  const [caPem, certPem, keyPem] = await Promise.all(
    ['ca.pem', 'server.pem', 'server.key'].map((name) => readFile(file(name), 'utf8')),
  );
  return { caPem: caPem!, caFile: file('ca.pem'), certPem: certPem!, keyPem: keyPem! };
}
