/** Layer rules, enforced in CI (`npm run lint:layers`) rather than by hope. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is plain TypeScript: no Nest, no database, no store, no HTTP.',
      severity: 'error',
      from: { path: '^libs/domain/src', pathNot: '\\.spec\\.ts$' },
      to: { path: '(@nestjs|node_modules/(pg|express|fastify|class-validator|class-transformer|@eventstore)|^libs/(event-store|projections)|^apps/|node:sqlite)' },
    },
    {
      name: 'event-store-knows-no-domain-or-framework',
      comment: 'The store is generic: it must not import the domain, Nest or the apps.',
      severity: 'error',
      from: { path: '^libs/event-store/src' },
      to: { path: '(@nestjs|^libs/(domain|projections)|^apps/)' },
    },
    {
      name: 'projections-are-pure',
      comment: 'Read-model folds know events, not Nest or the database.',
      severity: 'error',
      from: { path: '^libs/projections/src', pathNot: '\\.spec\\.ts$' },
      to: { path: '(@nestjs|^apps/|node_modules/(pg|express|fastify))' },
    },
    {
      name: 'evidence-is-offline',
      comment: 'Evidence bundles are built over the store port and verified with no database, no network, no framework: no Nest, no domain, no drivers.',
      severity: 'error',
      from: { path: '^libs/evidence/src', pathNot: '(\\.spec\\.ts|\\.int-spec\\.ts|/testing/)' },
      to: { path: '(@nestjs|^libs/(domain|projections)|^apps/|node_modules/(pg|express|fastify|@eventstore)|node:sqlite|node:(http|https|net|dgram))' },
    },
    {
      name: 'reports-render-plain-data',
      comment: 'Reports turn plain view data into bytes (PDF, XLSX, CSV): no Nest, no database, no store, no domain or read models (the API maps those to views).',
      severity: 'error',
      from: { path: '^libs/reports/src' },
      to: { path: '(@nestjs|^libs/(domain|projections|event-store|read-store|evidence)|^apps/|node_modules/(pg|express|fastify|@eventstore)|node:sqlite)' },
    },
    {
      name: 'read-store-knows-no-framework-or-domain',
      comment: 'The read-model store is generic: it knows the event store types and the shape of a projection, not Nest, the apps, the domain or the projections themselves.',
      severity: 'error',
      from: { path: '^libs/read-store/src', pathNot: '(\\.spec\\.ts|\\.int-spec\\.ts|/testing/)' },
      to: { path: '(@nestjs|^apps/|^libs/(domain|projections))' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(node_modules|dist)' },
  },
};
