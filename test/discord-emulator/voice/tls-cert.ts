/**
 * A throw-away TLS certificate for the voice WebSocket: @discordjs/voice always dials
 * `wss://${endpoint}`, so the emulated voice server must speak TLS with a certificate the client trusts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Node ≥ 22.19 / 24.5 API, newer than the project's @types/node. */
const caStore = tls as typeof tls & {
  getCACertificates?: (type?: 'default' | 'system' | 'bundled' | 'extra') => string[];
  setDefaultCACertificates?: (certs: readonly string[]) => void;
};

export interface SelfSignedCert {
  /** PEM. */
  cert: string;
  /** PEM (unencrypted). */
  key: string;
  /** The certificate's file, for `NODE_EXTRA_CA_CERTS` of a spawned process. */
  certPath: string;
  /** Removes the temporary directory. */
  remove(): Promise<void>;
}

/** A self-signed P-256 certificate for 127.0.0.1 (IP SAN), valid one day, made by openssl in a temp dir. */
export async function makeSelfSignedCert(): Promise<SelfSignedCert> {
  const dir = await mkdtemp(path.join(tmpdir(), 'voice-emu-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key, certPath, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not make the voice emulator's TLS certificate with openssl: ${String(err)}`);
  }
}

/**
 * Adds `certPem` to this process's default CA set, so every TLS client here (the `ws` inside
 * @discordjs/voice) trusts it. Needs Node ≥ 22.19 / 24.5 (`tls.setDefaultCACertificates`).
 */
export function trustInProcess(certPem: string): void {
  if (!caStore.getCACertificates || !caStore.setDefaultCACertificates) {
    throw new Error(`the voice emulator needs tls.setDefaultCACertificates (Node ≥ 22.19 or ≥ 24.5); this is Node ${process.version}`);
  }
  const current = caStore.getCACertificates('default');
  if (!current.includes(certPem)) caStore.setDefaultCACertificates([...current, certPem]);
}
