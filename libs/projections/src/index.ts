/**
 * @ledger/projections: read models folded from the log. Pure evolve functions over immutable models; the
 * application runs them from a store subscription and answers queries from them, never from the log.
 */
export * from './projection';
export * from './organisation/organisation.projection';
export * from './directives/directives.projection';
export * from './tasks/tasks.projection';
export * from './notices/notices.projection';
export * from './read-models';
export * from './signoffs/signoffs.projection';
export * from './audit-trail/audit-log';
export * from './audit-trail/audit-queries';
export * from './accountability-records/record-view';
export * from './accountability-records/accountability-records.projection';
export * from './appraisal/unit-appraisal';
export * from './discipline/discipline-register';
