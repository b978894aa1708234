import { createHash } from 'node:crypto';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, type CryptoKey } from 'jose';
import type { Prisma } from '../db/client.ts';

/** Asymmetric, so instances and tools can verify tokens without being able to sign them. */
export const SIGNING_ALGORITHM = 'ES256';

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * Token-signing keys, kept in PostgreSQL so that every instance signs and
 * verifies with the same keys. The first instance to start creates one; when
 * two start together, both insert and both then sign with the oldest.
 */
export class SigningKeys {
  #signing: KeyPair | undefined;
  readonly #verifying = new Map<string, CryptoKey>();

  constructor(private readonly prisma: Prisma) {}

  /** Loads the signing key, creating it on first start. */
  async load(): Promise<void> {
    if (!(await this.prisma.signingKey.findFirst({ select: { kid: true } }))) {
      const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
      const publicPem = await exportSPKI(publicKey);
      const kid = createHash('sha256').update(publicPem).digest('hex').slice(0, 32);
      await this.prisma.signingKey.createMany({
        data: [{ kid, algorithm: SIGNING_ALGORITHM, privateKey: await exportPKCS8(privateKey), publicKey: publicPem }],
        skipDuplicates: true,
      });
    }

    const oldest = await this.prisma.signingKey.findFirstOrThrow({ orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }] });
    this.#signing = {
      kid: oldest.kid,
      privateKey: await importPKCS8(oldest.privateKey, oldest.algorithm),
      publicKey: await importSPKI(oldest.publicKey, oldest.algorithm),
    };
    this.#verifying.set(oldest.kid, this.#signing.publicKey);
  }

  signingKey(): KeyPair {
    if (!this.#signing) throw new Error('signing keys are not loaded; call load() at start');
    return this.#signing;
  }

  /** The public key for `kid`, read from the database when another instance created it. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const known = this.#verifying.get(kid);
    if (known) return known;

    const row = await this.prisma.signingKey.findUnique({ where: { kid } });
    if (!row || row.algorithm !== SIGNING_ALGORITHM) return undefined;
    const key = await importSPKI(row.publicKey, row.algorithm);
    this.#verifying.set(kid, key);
    return key;
  }
}
