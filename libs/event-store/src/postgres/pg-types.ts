import { types as pgTypes, type CustomTypesConfig } from 'pg';
import { EventStoreError } from '../errors';

/** Positions and versions fit in a double: bigint columns are parsed as numbers, refusing any that would not fit. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new EventStoreError('STORE.NUMBER_RANGE', `bigint ${text} is outside the safe integer range`);
  return n;
}

/** Per connection, so other users of `pg` in the process keep the library's defaults. */
export const ledgerTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pgTypes.builtins.INT8 && format !== 'binary' ? parseInt8 : pgTypes.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
