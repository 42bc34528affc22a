import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every TypeScript source of the applications and libraries, specs and migrations left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' || e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the outbox has one writer', () => {
  it('no module but outbox.repository.ts inserts into outbox', () => {
    const root = process.cwd(); // Jest runs from the repository's root (its rootDir)
    const writers = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))]
      .filter((file) => /INSERT\s+INTO\s+outbox\b/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(writers).toEqual(['libs/persistence/src/repositories/outbox.repository.ts']);
  });
});
