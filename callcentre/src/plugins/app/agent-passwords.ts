// Agents' passwords: scrypt (node:crypto) with a random salt per password, stored as
// "scrypt$N$r$p$salt$key" (salt and key base64url) in agents.password_hash. Verification compares in
// constant time, and an unknown agent costs the same scrypt as a known one (it is checked against a
// dummy hash), so neither the answer nor its time tells whether an agent id exists. Passwords are
// never logged.
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt's cost (N), block size (r) and parallelism (p): OWASP's minimum for scrypt, ~50 ms here. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** The shortest password an agent may have. */
export const MIN_PASSWORD_LENGTH = 12;
/** Generated passwords: 18 random bytes, 24 characters of base64url (144 bits). */
const GENERATED_BYTES = 18;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; the default limit (32 MiB) is exactly N = 2^15, r = 8.
  const maxmem = 256 * params.N * params.r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  // scrypt's own rule: N a power of two above 1.
  const valid = [N, r, p].every((n) => Number.isInteger(n) && n > 0) && N > 1 && (N & (N - 1)) === 0 && N <= 2 ** 20 && r <= 32 && p <= 16 && salt.length > 0 && key.length === KEY_BYTES;
  return valid ? { N, r, p, salt, key } : undefined;
}

/**
 * What an unknown agent, or one without a password, is checked against: a hash with SCRYPT_PARAMS of
 * 32 random bytes that were thrown away, so that the refusal costs the same scrypt as a wrong password.
 * (Fixed here rather than made at start, which would cost every start, and every test app, a hash.)
 */
export const DUMMY_HASH = "scrypt$32768$8$1$fz28LGfJa3eWuTmQsGlI7A$bmQfH-qkQxY8VyUOKNPKOeBHRgY5RJNXl-yrw_5L_7k";

/**
 * Whether `password` is the one `stored` was made from. With no stored hash (an unknown agent, or one
 * without a password), a dummy is checked instead and the answer is false: the same work either way.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parseHash(stored) : undefined;
  const target = parsed ?? (parseHash(DUMMY_HASH) as ParsedHash);
  const key = await derive(password, target.salt, target);
  return timingSafeEqual(key, target.key) && parsed !== undefined;
}

/** A strong random password, for the CLI and the Agents page to show once. */
export function generatePassword(): string {
  return randomBytes(GENERATED_BYTES).toString("base64url");
}

/** Why a chosen password is refused, or undefined when it will do. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return "a password must be at most 1,024 characters";
  return undefined;
}

/**
 * What an agent's sessions are bound to: the SHA-256 (hex) of their stored hash. A new password (a
 * new salt, so a new hash) ends every session opened with the old one; SessionsRepository computes
 * the same value in SQL.
 */
export const agentFingerprint = (passwordHash: string): string => createHash("sha256").update(passwordHash, "utf8").digest("hex");
