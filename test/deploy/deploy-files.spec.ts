import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/**
 * The deployment files, checked here without a container engine or a cluster: every YAML parses (duplicate keys
 * refused); the Kubernetes objects validate against the API's JSON schemas (kubernetes-models) and hang together
 * (selectors, probes, ports, secret keys); the compose files' services, secrets, volumes and health checks are
 * wired up, and `docker compose config` / `docker-compose config` checks them too where one is installed; the
 * systemd unit passes `systemd-analyze verify` where systemd is; and every variable they set is in the README.
 */

const ROOT = join(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Variable names in the README's configuration table. */
function documentedVariables(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));
}
/** Variables of the ledger's own (not PostgreSQL's, KurrentDB's or the platform's). */
const isLedgerVariable = (name: string) => !/^(POSTGRES_|KURRENTDB_|NODE_ENV$)/.test(name);

type Json = Record<string, any>;

function yamlOf(path: string): Json {
  return parseYaml(read(path), { uniqueKeys: true, merge: true }) as Json;
}

describe('deploy/compose', () => {
  const files = ['compose/compose.yaml', 'compose/compose.kurrentdb.yaml'];

  describe.each(files)('%s', (file) => {
    const compose = yamlOf(file);
    const services = compose.services as Record<string, Json>;

    it('gives every service an image, a restart policy and a health check', () => {
      for (const [name, service] of Object.entries(services)) {
        expect({ name, image: typeof service.image }).toEqual({ name, image: 'string' });
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
        expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      }
    });

    it('configures the ledger through environment variables only, each one documented in the README', () => {
      const documented = documentedVariables();
      for (const [name, service] of Object.entries(services)) {
        expect(service.env_file).toBeUndefined();
        if (!String(service.image).includes('accountability-ledger')) continue;
        const env = service.environment as Record<string, string>;
        expect(typeof env).toBe('object');
        const undocumented = Object.keys(env).filter((key) => isLedgerVariable(key) && !documented.has(key));
        expect({ service: name, undocumented }).toEqual({ service: name, undocumented: [] });
        // The checkpoint key comes from a mounted secret file, never from the environment itself.
        expect(env.LEDGER_CHECKPOINT_KEY_FILE).toMatch(/^\/run\/secrets\/(\w+)$/);
        const secret = /^\/run\/secrets\/(\w+)$/.exec(env.LEDGER_CHECKPOINT_KEY_FILE)![1];
        expect(service.secrets).toContain(secret);
        expect(compose.secrets[secret].file).toMatch(/^\.\/secrets\//);
      }
    });

    it('declares every secret and named volume a service uses, and waits for the databases to be healthy', () => {
      for (const service of Object.values(services)) {
        for (const secret of service.secrets ?? []) expect(Object.keys(compose.secrets)).toContain(typeof secret === 'string' ? secret : secret.source);
        for (const volume of service.volumes ?? []) {
          const name = String(volume).split(':')[0];
          if (!name.startsWith('.') && !name.startsWith('/')) expect(Object.keys(compose.volumes)).toContain(name);
        }
        for (const [dependency, condition] of Object.entries((service.depends_on ?? {}) as Record<string, Json>)) {
          expect(Object.keys(services)).toContain(dependency);
          if (/postgres|kurrentdb|read-models/.test(dependency)) expect(condition.condition).toBe('service_healthy');
        }
      }
    });

    it('probes /health/ready of the API and the projector, and gives SIGTERM time to drain', () => {
      expect(services.api.healthcheck.test.join(' ')).toContain('/health/ready');
      expect(services.projector.healthcheck.test.join(' ')).toContain(':3001/health/ready');
      expect(services.projector.command).toEqual(['dist/apps/projector/src/main.js']);
      for (const name of ['api', 'projector']) expect(services[name].stop_grace_period).toBe('30s');
    });

    const composeCli = has('docker') && spawnSync('docker', ['compose', 'version']).status === 0 ? ['docker', 'compose'] : has('docker-compose') ? ['docker-compose'] : null;
    (composeCli ? it : it.skip)(`passes \`${composeCli?.join(' ') ?? 'docker compose'} config\``, () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-compose-'));
      try {
        // docker-compose 1.x (Debian's) predates the top-level `name` of the Compose Specification: leave it out there.
        const text = read(file);
        writeFileSync(join(dir, 'compose.yml'), composeCli![0] === 'docker-compose' ? text.replace(/^name: .*\n/m, '') : text);
        writeFileSync(join(dir, '.env'), read('compose/env.example'));
        const result = spawnSync(composeCli![0], [...composeCli!.slice(1), '-f', join(dir, 'compose.yml'), '--project-directory', dir, 'config', '-q'], { encoding: 'utf8', cwd: dir });
        expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('runs a three-node KurrentDB cluster, each node seeding from the other two, and points the ledger at all three', () => {
    const services = yamlOf('compose/compose.kurrentdb.yaml').services as Record<string, Json>;
    const nodes = ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3'];
    for (const node of nodes) {
      expect(services[node].environment.KURRENTDB_CLUSTER_SIZE).toBe('3');
      const seeds = String(services[node].environment.KURRENTDB_GOSSIP_SEED).split(',').map((s) => s.split(':')[0]);
      expect(seeds.sort()).toEqual(nodes.filter((n) => n !== node));
    }
    expect(services.api.environment.LEDGER_STORE).toBe('eventstoredb');
    for (const node of nodes) expect(services.api.environment.EVENTSTORE_URL).toContain(`${node}:2113`);
    expect(services['read-models'].image).toMatch(/^postgres:/);
  });

  it('keeps the real .env and secrets out of the repository', () => {
    const ignored = readFileSync(join(DEPLOY, 'compose', '.gitignore'), 'utf8');
    expect(ignored).toMatch(/^\.env$/m);
    expect(ignored).toMatch(/^secrets\/$/m);
  });
});

describe('deploy/k8s', () => {
  const kustomization = yamlOf('k8s/kustomization.yaml');

  /** The objects as `kubectl apply -k` would send them (rendered by kubectl where it is installed). */
  function objects(): Json[] {
    if (has('kubectl')) {
      const rendered = spawnSync('kubectl', ['kustomize', join(DEPLOY, 'k8s')], { encoding: 'utf8' });
      expect(rendered.stderr).toBe('');
      expect(rendered.status).toBe(0);
      return parseAllDocuments(rendered.stdout).map((doc) => doc.toJS() as Json);
    }
    return (kustomization.resources as string[]).flatMap((file) => parseAllDocuments(read(`k8s/${file}`), { uniqueKeys: true }).map((doc) => doc.toJS() as Json));
  }

  const all = objects();
  const byKind = (kind: string) => all.filter((o) => o.kind === kind);
  const deployment = (name: string) => byKind('Deployment').find((d) => d.metadata.name === name)!;

  it('holds the objects the deployment needs', () => {
    expect(all.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/ledger-config',
      'Deployment/ledger-api',
      'Deployment/ledger-projector',
      'Namespace/accountability-ledger',
      'PodDisruptionBudget/ledger-api',
      'PodDisruptionBudget/ledger-projector',
      'Secret/ledger-secrets',
      'Service/ledger-api',
      'Service/ledger-projector',
    ]);
  });

  it('validates every object against the Kubernetes API schema', () => {
    // kubernetes-models is ESM only: validate in a child Node process, one line of result per object.
    const script = `
      const { readFileSync } = await import('node:fs');
      const modules = { v1: await import('kubernetes-models/v1'), 'apps/v1': await import('kubernetes-models/apps/v1'), 'policy/v1': await import('kubernetes-models/policy/v1') };
      for (const object of JSON.parse(readFileSync(0, 'utf8'))) {
        const Model = modules[object.apiVersion]?.[object.kind];
        if (!Model) { console.log(object.kind + '/' + object.metadata.name + ': no model for ' + object.apiVersion); continue; }
        try { new Model(object).validate(); console.log(object.kind + '/' + object.metadata.name + ': valid'); }
        catch (error) { console.log(object.kind + '/' + object.metadata.name + ': ' + error.message.replace(/\\n/g, ' ')); }
      }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, input: JSON.stringify(all), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n').sort()).toEqual(all.map((o) => `${o.kind}/${o.metadata.name}: valid`).sort());
  });

  it.each(['ledger-api', 'ledger-projector'])('%s: probes /health/live and /health/ready on a declared port, and drains within its grace period', (name) => {
    const spec = deployment(name).spec.template.spec;
    const [container] = spec.containers;
    const ports = container.ports.map((p: Json) => p.name);
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(ports).toContain(container[probe].httpGet.port);
    const config = byKind('ConfigMap')[0].data;
    const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + Number(config.LEDGER_SHUTDOWN_TIMEOUT_MS) / 1000);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('selects the pods it means: services and disruption budgets match the deployments\' labels and ports', () => {
    for (const service of byKind('Service')) {
      const target = deployment(service.metadata.name);
      expect(target.spec.template.metadata.labels).toMatchObject(service.spec.selector);
      const ports = target.spec.template.spec.containers[0].ports.map((p: Json) => p.name);
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
    for (const pdb of byKind('PodDisruptionBudget')) {
      expect(deployment(pdb.metadata.name).spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
    expect(byKind('PodDisruptionBudget').find((p) => p.metadata.name === 'ledger-api')!.spec.minAvailable).toBeLessThan(deployment('ledger-api').spec.replicas);
  });

  it('takes the keys from the Secret (the checkpoint key as a read-only file) and every setting from the ConfigMap, all documented', () => {
    const secret = byKind('Secret')[0];
    const config = byKind('ConfigMap')[0];
    const documented = documentedVariables();
    for (const name of ['ledger-api', 'ledger-projector']) {
      const spec = deployment(name).spec.template.spec;
      const [container] = spec.containers;
      expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
      for (const env of container.env) {
        if (env.valueFrom) {
          expect(env.valueFrom.secretKeyRef.name).toBe(secret.metadata.name);
          expect(Object.keys(secret.stringData)).toContain(env.valueFrom.secretKeyRef.key);
        }
        expect(documented.has(env.name)).toBe(true);
      }
      const keyVolume = spec.volumes.find((v: Json) => v.secret?.secretName === secret.metadata.name);
      expect(keyVolume.secret.defaultMode).toBe(0o400);
      const mount = container.volumeMounts.find((m: Json) => m.name === keyVolume.name);
      expect(mount.readOnly).toBe(true);
      expect(config.data.LEDGER_CHECKPOINT_KEY_FILE).toBe(`${mount.mountPath}/${keyVolume.secret.items[0].path}`);
      expect(Object.keys(secret.stringData)).toContain(keyVolume.secret.items[0].key);
    }
    expect(Object.keys(config.data).filter((key) => !documented.has(key))).toEqual([]);
  });
});

describe('deploy/systemd', () => {
  const unitPath = join(DEPLOY, 'systemd', 'accountability-ledger.service');
  const unit = readFileSync(unitPath, 'utf8');

  it('runs the API on SQLite as an unprivileged user, with the key as a credential and the file system read-only', () => {
    for (const line of ['User=ledger', 'Environment=LEDGER_STORE=sqlite', 'LoadCredential=checkpoint-ed25519.pem:', 'Environment=LEDGER_CHECKPOINT_KEY_FILE=%d/checkpoint-ed25519.pem', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'StateDirectory=accountability-ledger', 'KillSignal=SIGTERM']) {
      expect(unit).toContain(line);
    }
  });

  it('sets only documented variables', () => {
    const documented = documentedVariables();
    const fromUnit = [...unit.matchAll(/^Environment=([A-Z_0-9]+)=/gm)].map((m) => m[1]);
    const fromFile = [...read('systemd/accountability-ledger.env').matchAll(/^([A-Z_0-9]+)=/gm)].map((m) => m[1]);
    expect([...fromUnit, ...fromFile].filter((name) => !documented.has(name))).toEqual([]);
  });

  (has('systemd-analyze') ? it : it.skip)('passes systemd-analyze verify', () => {
    // The release is not installed here: point ExecStart at a binary that exists, and check everything else.
    const dir = mkdtempSync(join(tmpdir(), 'ledger-unit-'));
    try {
      const copy = join(dir, 'accountability-ledger.service');
      writeFileSync(copy, unit.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has its example environment file beside it', () => {
    expect(existsSync(join(DEPLOY, 'systemd', 'accountability-ledger.env'))).toBe(true);
  });
});
