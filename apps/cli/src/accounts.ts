import { createInterface } from 'node:readline';
import { COMMUNE_UNIT_KINDS, isRole, MIN_PASSWORD_LENGTH, normaliseUsername, officerWithoutUnit, USERNAME } from '@motcua/domain';
import { hashPassword, type UnitOfWork, type UserEntity } from '@motcua/persistence';

/** The options of `create-user`, as given on the command line. */
export interface CreateUserArgs {
  readonly username?: string;
  readonly commune?: string;
  readonly roles?: string;
  readonly units?: string;
  readonly name?: string;
  readonly password: string;
}

/** A `create-user` refused: the message names the option and the rule. */
export class AccountError extends Error {}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The first line of stdin: the new account's password (never an argument, which `ps` would show). */
export async function readPassword(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

/**
 * Creates an account from the command line: the first administrator of a deployment (who then
 * creates the others through the API), with the same rules as the API's.
 */
export async function createUser(uow: UnitOfWork, a: CreateUserArgs): Promise<UserEntity> {
  const username = normaliseUsername(a.username ?? '') as string;
  const roles = list(a.roles);
  const units = list(a.units);
  if (!USERNAME.test(username)) throw new AccountError('username: lower-case letters, digits and . _ @ -, at most 64 characters');
  if (!a.commune) throw new AccountError('--commune: the commune code is required');
  if (roles.length === 0 || !roles.every(isRole)) throw new AccountError('--roles: one or more of reception, officer, leader, supervisor, admin, service');
  if (!units.every((u) => (COMMUNE_UNIT_KINDS as readonly string[]).includes(u))) throw new AccountError(`--units: codes of ${COMMUNE_UNIT_KINDS.join(', ')}`);
  if (officerWithoutUnit(roles, units)) throw new AccountError('--units: an officer needs at least one unit');
  if (a.password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`password (stdin): at least ${MIN_PASSWORD_LENGTH} characters`);
  if (!(await uow.reference.findCommune(a.commune))) throw new AccountError(`--commune: no commune ${a.commune} (run seed first)`);
  const passwordHash = await hashPassword(a.password);
  const created = await uow.run(a.commune, (tx) => tx.users.insert({ username, fullName: a.name?.trim() || username, roles, unitKinds: units, passwordHash }));
  if (!created) throw new AccountError(`username: ${username} is taken`);
  return created;
}
