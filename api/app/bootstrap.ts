import type { Services } from './services.ts';
import { generatePassword } from '../users/passwords.ts';

/** Project every instance has from the first start, public as users expect. */
export const DEFAULT_PROJECT = 'library';

/**
 * Creates user `admin` and project `library` when missing. A generated admin
 * password is returned so the caller prints it once; it is never logged.
 */
export async function bootstrapData(services: Services): Promise<{ generatedAdminPassword?: string }> {
  const configured = services.config.adminPassword;
  const password = configured ?? generatePassword();
  const created = await services.users.ensure('admin', password, { isAdmin: true });
  await services.projects.ensure(DEFAULT_PROJECT, { public: true });

  return created && !configured ? { generatedAdminPassword: password } : {};
}
