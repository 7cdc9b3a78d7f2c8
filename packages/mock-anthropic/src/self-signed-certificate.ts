import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** A PEM private key and the self-signed certificate for it. */
export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

/**
 * Generates a self-signed P-256 certificate valid for a day for `localhost`, `127.0.0.1`, `::1` and
 * `host`. It is its own CA, so a client trusts it with `ca: certificate`.
 */
export async function generateSelfSignedCertificate(host = 'localhost'): Promise<SelfSignedCertificate> {
  const dnsNames = new Set(['localhost']);
  const ipAddresses = new Set(['127.0.0.1', '::1']);
  if (isIP(host) === 0) dnsNames.add(host);
  else ipAddresses.add(host);
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'mock-anthropic' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...[...dnsNames].map((value) => ({ type: 2 as const, value })),
          ...[...ipAddresses].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
