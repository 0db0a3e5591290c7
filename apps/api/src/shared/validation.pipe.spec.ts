import { getMetadataStorage, IsInt, IsString, MetadataStorage, validateSync } from 'class-validator';
import { AppModule } from '../app.module';
import { memoiseTargetValidationMetadatas } from './validation.pipe';

type Lookup = (target: Function, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => unknown[];
const storage = getMetadataStorage() as unknown as { getTargetValidationMetadatas: Lookup; validationMetadatas: Map<Function, unknown[]> };
/** class-validator's own lookup (the prototype's method, which the memo leaves alone). */
const unmemoised: Lookup = (...args) => (MetadataStorage.prototype.getTargetValidationMetadatas as unknown as Lookup).apply(storage, args);

describe('validation metadata, kept per class', () => {
  beforeAll(() => memoiseTargetValidationMetadatas());

  it('gives every DTO of the API the checks class-validator finds, with and without groups, twice', () => {
    expect(AppModule).toBeDefined(); // loads every controller, hence every DTO and its decorators
    const targets = [...storage.validationMetadatas.keys()].filter((target): target is Function => typeof target === 'function');
    expect(targets.length).toBeGreaterThan(20);
    for (const target of targets) {
      for (const options of [[undefined, false, false, undefined], [undefined, true, true, ['g']]] as const) {
        const args = [target, ...options] as unknown as Parameters<Lookup>;
        expect(storage.getTargetValidationMetadatas(...args)).toEqual(unmemoised(...args));
        expect(storage.getTargetValidationMetadatas(...args)).toEqual(unmemoised(...args));
      }
    }
  });

  it('sees a check registered after a class was first validated (its own, and its subclass\'s inherited one)', () => {
    class Base {
      @IsString()
      name: unknown = 1;
    }
    expect(validateSync(new Base()).map((e) => e.property)).toEqual(['name']);
    class Child extends Base {}
    expect(validateSync(new Child()).map((e) => e.property)).toEqual(['name']);
    IsInt()(Base.prototype, 'count');
    const later = Object.assign(new Child(), { count: 'x' });
    expect(validateSync(later).map((e) => e.property).sort()).toEqual(['count', 'name']);
    expect(validateSync(Object.assign(new Base(), { count: 'x' })).map((e) => e.property).sort()).toEqual(['count', 'name']);
  });
});
