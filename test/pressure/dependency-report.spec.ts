import { describeAudit, inventoryOf, readAudit } from './dependency-report';

/** The security suite's dependency report: what it reads from npm ls and npm audit, and what it never calls a pass. */
describe('dependency report', () => {
  describe('when the registry has no audit service', () => {
    it('reads a 405 from the advisories endpoint as unavailable, not as no advisories', () => {
      const answer = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } });
      const read = readAudit(answer);
      expect(read).toEqual({ status: 'unavailable', reason: expect.stringContaining('answered HTTP 405') });
      expect(describeAudit(read as { status: 'unavailable'; reason: string })).toMatch(/^audit service unavailable: .* NOT audited/);
    });

    it('reads a network failure as unavailable, and an answer it cannot read as failed', () => {
      expect(readAudit(JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry' } }))).toMatchObject({ status: 'unavailable' });
      expect(readAudit(JSON.stringify({ error: { code: 'EJSONPARSE', summary: 'bad lockfile' } }))).toEqual({ status: 'failed', reason: 'npm audit failed: bad lockfile' });
      expect(readAudit('npm ERR! something')).toMatchObject({ status: 'failed' });
      expect(describeAudit({ status: 'failed', reason: 'x' })).toContain('NOT audited');
    });
  });

  it('when the audit runs, counts advisories by severity', () => {
    const answer = JSON.stringify({ vulnerabilities: { lodash: { severity: 'high', isDirect: false } }, metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 1, critical: 0, total: 2 } } });
    expect(readAudit(answer)).toEqual({ status: 'done', counts: { critical: 0, high: 1, moderate: 0, low: 1, info: 0 }, advisories: [{ name: 'lodash', severity: 'high', direct: false }] });
  });

  it('lists each installed package once with its license, production or not, direct or not', () => {
    const tree = (withDev: boolean) => ({
      name: 'app',
      version: '1.0.0',
      dependencies: {
        a: { name: 'a', version: '1.0.0', license: 'MIT', path: '/r/node_modules/a', dependencies: { b: { name: 'b', version: '2.0.0', license: { type: 'ISC' }, path: '/r/node_modules/b' } } },
        b: { name: 'b', version: '2.0.0', license: { type: 'ISC' }, path: '/r/node_modules/b' },
        ...(withDev ? { jest: { name: 'jest', version: '30.0.0', license: 'MIT', path: '/r/node_modules/jest' } } : {}),
        'not-installed-optional': { missing: true },
        nolicense: { name: 'nolicense', version: '0.1.0', path: '/r/node_modules/nolicense' },
      },
    });
    const inventory = inventoryOf('/r', tree(true), tree(false));
    expect(inventory.packages).toEqual([
      { name: 'a', version: '1.0.0', license: 'MIT', production: true, direct: true, path: 'node_modules/a' },
      { name: 'b', version: '2.0.0', license: 'ISC', production: true, direct: true, path: 'node_modules/b' },
      { name: 'jest', version: '30.0.0', license: 'MIT', production: false, direct: true, path: 'node_modules/jest' },
      { name: 'nolicense', version: '0.1.0', license: null, production: true, direct: true, path: 'node_modules/nolicense' },
    ]);
    expect(inventory.totals).toEqual({ packages: 4, production: 3, development: 1, direct: 4 });
    expect(inventory.productionLicenses).toEqual({ '(none declared)': 1, ISC: 1, MIT: 1 });
    expect(inventory.productionWithoutLicense).toEqual(['nolicense@0.1.0']);
    expect(inventory.treeProblems).toEqual([]);
  });
});
