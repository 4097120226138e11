/**
 * A self-signed certificate for the test bed's WebSocket over TLS (wss://), made with openssl in
 * the bed's folder at start: an EC P-256 key, valid two days, for 127.0.0.1 and 127.0.0.2. A
 * browser trusts exactly this certificate with `--ignore-certificate-errors-spki-list=<spkiSha256>`
 * (Chromium), and Kamailio's tls module reads the `tls.cfg` written next to it.
 */
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface BedCertificate {
  certFile: string;
  keyFile: string;
  /** Kamailio's tls module configuration (server and client profiles, no peer verification). */
  tlsConfigFile: string;
  /** base64 SHA-256 of the certificate's public key (SubjectPublicKeyInfo), as Chromium's SPKI list takes it. */
  spkiSha256: string;
  /** The certificate's SHA-256 fingerprint, `AB:CD:…` (what a TLS client sees). */
  fingerprint256: string;
}

const run = promisify(execFile);

export async function makeBedCertificate(dir: string): Promise<BedCertificate> {
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=opencti-testbed',
    '-addext', 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2',
  ];
  try {
    await run('openssl', args);
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    throw new Error(
      err.code === 'ENOENT' ? 'the test bed needs openssl to make its TLS certificate (apt-get install openssl)' : `openssl could not make the test bed's certificate: ${err.stderr ?? err.message}`,
      { cause: error },
    );
  }
  const cert = new X509Certificate(readFileSync(certFile));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const tlsConfigFile = join(dir, 'tls.cfg');
  const profile = (role: 'server' | 'client'): string =>
    [`[${role}:default]`, 'method = TLSv1.2+', 'verify_certificate = no', 'require_certificate = no', `private_key = ${keyFile}`, `certificate = ${certFile}`, ''].join('\n');
  writeFileSync(tlsConfigFile, `${profile('server')}\n${profile('client')}`);
  return { certFile, keyFile, tlsConfigFile, spkiSha256: createHash('sha256').update(spki).digest('base64'), fingerprint256: cert.fingerprint256 };
}
