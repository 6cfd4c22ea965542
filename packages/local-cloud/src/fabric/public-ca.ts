import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** A certificate and its key, in PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex');
}

/**
 * The certificate authority of the fabric's simulated internet: it stands for the public CAs that real images
 * trust, so the origins' certificates validate end to end in the jump boxes and instances, whose trust store the
 * fabric extends with it (the host's is never changed). ECDSA P-256, valid one day, made at each fabric start.
 */
export class PublicCertificateAuthority {
  private constructor(
    /** The CA certificate, in PEM: what a client adds to its trust store. */
    readonly certPem: string,
    private readonly keys: CryptoKeyPair,
    private readonly certificate: x509.X509Certificate,
  ) {}

  static async create(now = new Date()): Promise<PublicCertificateAuthority> {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const keys = await keyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=azpn simulated public root ${now.toISOString()}, O=azpn local cloud fabric`,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      keys,
      signingAlgorithm: ecdsa,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new PublicCertificateAuthority(certificate.toString('pem') + '\n', keys, certificate);
  }

  /** A server certificate for the host names (the first one is its subject), signed by this CA. */
  async issue(names: string[], now = new Date()): Promise<IssuedCertificate> {
    const keys = await keyPair();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${names[0]}`,
      issuer: this.certificate.subject,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: ecdsa,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return { certPem: certificate.toString('pem') + '\n' + this.certPem, keyPem: await keyPem(keys) };
  }
}
