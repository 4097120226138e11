import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes are self-describing strings: `scrypt$N$r$p$<salt b64>$<hash b64>`, so the cost
 * can be raised later without invalidating stored hashes. Each hash has its own random salt.
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N=2^15, r=8, p=1: 32 MiB and roughly 100 ms per hash. OWASP suggests N=2^17 for high-value
 * accounts; this default keeps a burst of agent logins cheap on a small server. Raise it with the
 * store's `scrypt` option: older hashes keep verifying because each carries its own parameters.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32768, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

const maxmem = (params: ScryptParams): number => 128 * params.N * params.r * params.p + 16 * 1024 * 1024;

export function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(SALT_LENGTH);
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: maxmem(params) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (N === undefined || r === undefined || p === undefined || ![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || hash.length === 0) return undefined;
  return { params: { N, r, p }, salt, hash };
}

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A hash of nothing in particular, verified against when the agent is unknown so that the answer
 * takes the same time whether or not the agent exists. */
let decoy: string | undefined;

/**
 * Checks a password against a stored hash off the main thread (scrypt runs in libuv's pool).
 * `stored` undefined (unknown agent) or unreadable still costs one hash and answers false.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoy ??= hashPassword('', DEFAULT_SCRYPT);
  const real = stored === undefined ? undefined : parseHash(stored);
  const parsed = real ?? parseHash(decoy);
  if (parsed === undefined) return false;
  const candidate = await scryptAsync(password.normalize('NFC'), parsed.salt, parsed.hash.length, {
    ...parsed.params,
    maxmem: maxmem(parsed.params),
  });
  const same = candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
  return same && real !== undefined;
}
