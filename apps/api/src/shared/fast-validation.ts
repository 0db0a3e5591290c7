import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';

/*
 * A fast path for the requests that pass validation, proved equivalent to Nest's ValidationPipe with the ledger's
 * options (whitelist, forbidNonWhitelisted, transform, no implicit conversion) for the DTOs whose metadata it
 * understands: it builds the instance as class-transformer's plainToInstance does (`new metatype()`, then each key of
 * the input in order, converted by `@Type(() => Number|String|Boolean)` and the property's `@Transform`s) and runs the
 * very validator instances class-validator would run, with the same arguments, in the same conditions (IsOptional).
 * It never builds an error: at the first key it does not know, the first value it does not expect (an object, a
 * sparse or nested array, a prototype key), the first failed check or anything thrown, it hands the untouched input
 * to the ValidationPipe, so every refusal is today's, word for word. What the generic machinery costs (stripProtoKeys,
 * closeArrayGaps, the metadata walks, ValidationExecutor, the container lookup of each constraint) is paid once per
 * class, when its plan is compiled.
 *
 * Compiled only: classes whose validation metadata are all IsOptional, custom constraints (every built-in decorator
 * and ValidateBy / registerDecorator, sync, `each` included), IsDefined or Allow, with no groups, `always` or
 * `validateIf`; whose class-transformer metadata are @Type of a non-Map property without discriminator and
 * @Transform without groups or versions; with no @Expose / @Exclude anywhere in their hierarchy; and with no
 * accessor or method under a whitelisted name on their prototype chain. Everything else (ValidateNested, ValidateIf,
 * async constraints, schemas) always goes through the ValidationPipe. Assumed, as of any validator: constraints and
 * @Transform functions do not change the input they are given (a declined value reaches the pipe as it came).
 */

// class-transformer does not export its storage from its index; the pipe loads the same CommonJS build.
const transformerStorage: TransformerStorage = require('class-transformer/cjs/storage').defaultMetadataStorage;
const transformerDefaults: Record<string, unknown> = require('class-transformer/cjs/constants/default-options.constant').defaultOptions;

/** Keys that stripProtoKeys deletes and class-transformer skips: never taken on the fast path. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Metatypes the ValidationPipe never validates. */
const PRIMITIVES: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object, Buffer, Date]);
/** The fast path declines: the ValidationPipe decides. */
const DECLINE = Symbol('decline');

type Validate = (value: unknown, args: unknown) => unknown;
type Condition = (object: object, value: unknown) => unknown;
type TransformFn = (params: { value: unknown; key: string; obj: object; type: TransformationType; options: object }) => unknown;
type TypeFunction = (options: { newObject: object; object: object; property: string }) => unknown;

interface Check {
  readonly property: string;
  readonly constraints: unknown[] | undefined;
  readonly each: boolean;
  /** The constraint instances class-validator resolves from its container (one per constraint metadata). */
  readonly validators: ReadonlyArray<{ validate: Validate }>;
}

interface PropertyPlan {
  readonly name: string;
  readonly conditions: readonly Condition[];
  readonly defined: readonly Check[];
  readonly custom: readonly Check[];
}

interface InputPlan {
  readonly type: { typeFunction?: TypeFunction; reflectedType?: unknown } | undefined;
  readonly transforms: readonly TransformFn[];
}

export interface ValidationPlan {
  readonly metatype: new () => object;
  readonly properties: readonly PropertyPlan[];
  /** Whitelisted names (properties with any validation metadata) and how an input key under each is converted. */
  readonly inputs: ReadonlyMap<string, InputPlan>;
}

// --- when metadata change, plans are compiled again --------------------------------------------------------------

const GENERATION = Symbol.for('ledger.fast-validation-generation');
type Counted = { [GENERATION]?: { value: number } };

/** Counts every registration into a metadata storage (decorators run as classes load; a late one must be seen). */
function countRegistrations(storage: object, methods: readonly string[]): { value: number } {
  const counted = storage as Counted & Record<string, unknown>;
  if (counted[GENERATION]) return counted[GENERATION];
  const generation = { value: 0 };
  counted[GENERATION] = generation;
  for (const method of methods) {
    const original = counted[method];
    if (typeof original !== 'function') continue;
    counted[method] = function (this: unknown, ...args: unknown[]) {
      generation.value++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  return generation;
}

const validatorGeneration = countRegistrations(getMetadataStorage(), ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema']);
const transformerGeneration = countRegistrations(transformerStorage, ['addTypeMetadata', 'addTransformMetadata', 'addExposeMetadata', 'addExcludeMetadata', 'clear']);

let plans = new Map<Function, ValidationPlan | null>();
let plansOf = { validator: -1, transformer: -1 };

/** The plan for a class (null: the ValidationPipe handles it), compiled on first use and whenever metadata changed. */
export function validationPlan(metatype: Function): ValidationPlan | null {
  if (plansOf.validator !== validatorGeneration.value || plansOf.transformer !== transformerGeneration.value) {
    plans = new Map();
    plansOf = { validator: validatorGeneration.value, transformer: transformerGeneration.value };
  }
  let plan = plans.get(metatype);
  if (plan === undefined) plans.set(metatype, (plan = compile(metatype)));
  return plan;
}

// --- compiling a class's plan --------------------------------------------------------------------------------------

type Storage = {
  getTargetValidationMetadatas(target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]): ValidationMetadata[];
  getTargetValidatorConstraints(target: Function): ConstraintMetadata[];
};

function compile(metatype: Function): ValidationPlan | null {
  if (typeof metatype !== 'function' || PRIMITIVES.has(metatype) || !metatype.prototype || metatype.prototype.constructor !== metatype) return null;
  const storage = getMetadataStorage() as unknown as Storage;
  // What ValidationExecutor asks for with the pipe's options (no schema, groups or `always`).
  const metadatas = storage.getTargetValidationMetadatas(metatype, undefined, false, false, undefined);
  if (metadatas.length === 0) return null;
  const grouped = new Map<string, { conditions: Condition[]; defined: Check[]; custom: Check[] }>();
  for (const metadata of metadatas) {
    const name = metadata.propertyName;
    if (typeof name !== 'string' || PROTOTYPE_KEYS.has(name) || typeof metadata.target !== 'function') return null;
    if ((metadata.groups && metadata.groups.length > 0) || metadata.always !== undefined || (metadata as { validateIf?: unknown }).validateIf) return null;
    let property = grouped.get(name);
    if (!property) grouped.set(name, (property = { conditions: [], defined: [], custom: [] }));
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: {
        const condition = metadata.constraints?.[0];
        if (metadata.name !== 'isOptional' || typeof condition !== 'function') return null;
        property.conditions.push(condition as Condition);
        break;
      }
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        const check = checkOf(storage, metadata);
        if (!check) return null;
        (metadata.type === ValidationTypes.IS_DEFINED ? property.defined : property.custom).push(check);
        break;
      }
      case ValidationTypes.WHITELIST:
        break;
      default:
        return null; // nested, promise or unknown validation
    }
  }
  if (!transformerPlainAllTheWay(metatype)) return null;
  const inputs = new Map<string, InputPlan>();
  for (const name of grouped.keys()) {
    if (hasPrototypeMember(metatype, name)) return null;
    const type = transformerStorage.findTypeMetadata(metatype, name) as { typeFunction?: TypeFunction; reflectedType?: unknown; options?: { discriminator?: unknown } } | undefined;
    if (type && (type.options?.discriminator || type.reflectedType === Map)) return null;
    const transforms: TransformFn[] = [];
    for (const transform of transformerStorage.findTransformMetadatas(metatype, name, TransformationType.PLAIN_TO_CLASS)) {
      const options = (transform.options ?? {}) as Record<string, unknown>;
      if (Object.keys(options).some((key) => key !== 'toClassOnly' && key !== 'toPlainOnly')) return null;
      transforms.push(transform.transformFn as unknown as TransformFn);
    }
    inputs.set(name, { type, transforms });
  }
  const properties = [...grouped].map(([name, p]) => ({ name, ...p }));
  return { metatype: metatype as new () => object, properties, inputs };
}

function checkOf(storage: Storage, metadata: ValidationMetadata): Check | null {
  const validators: Array<{ validate: Validate }> = [];
  for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
    if (constraint.async) return null;
    // The container keeps one instance per constraint class: the one class-validator resolves on every call.
    const instance = constraint.instance as { validate?: unknown };
    if (!instance || typeof instance.validate !== 'function') return null;
    validators.push(instance as { validate: Validate });
  }
  return { property: metadata.propertyName, constraints: metadata.constraints, each: !!metadata.each, validators };
}

/** No @Expose / @Exclude on the class or its ancestors: class-transformer takes exactly the input's own keys. */
function transformerPlainAllTheWay(metatype: Function): boolean {
  const storage = transformerStorage as unknown as {
    getStrategy(target: Function): string;
    getExposedMetadatas(target: Function): unknown[];
    getExcludedMetadatas(target: Function): unknown[];
  };
  for (let target: Function | null = metatype; target && target !== Function.prototype; target = Object.getPrototypeOf(target)) {
    if (storage.getStrategy(target) !== 'none') return false;
  }
  return storage.getExposedMetadatas(metatype).length === 0 && storage.getExcludedMetadatas(metatype).length === 0;
}

/** An accessor or method under `name` anywhere on the prototype chain (class-transformer would skip or call it). */
function hasPrototypeMember(metatype: Function, name: string): boolean {
  for (let proto: object | null = metatype.prototype; proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyDescriptor(proto, name)) return true;
  }
  return false;
}

// --- running a plan ------------------------------------------------------------------------------------------------

const emptyPrototypes = new WeakSet<object>();

/** A record as JSON.parse or the query-string parser makes it (Object.prototype, no prototype, or an empty one). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  if (emptyPrototypes.has(proto)) return true;
  // fast-querystring's `new Empty()`: a prototype of its own without keys over no prototype.
  if (Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0) {
    emptyPrototypes.add(proto);
    return true;
  }
  return false;
}

function isThenable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** A copy of a dense array of primitives (what class-transformer makes of it without a @Type), or DECLINE. */
function copyOfPrimitives(array: unknown[]): unknown[] | typeof DECLINE {
  if (Object.getPrototypeOf(array) !== Array.prototype) return DECLINE;
  const length = array.length;
  const copy = new Array<unknown>(length);
  for (let i = 0; i < length; i++) {
    if (!(i in array)) return DECLINE; // a gap: closeArrayGaps would move the items
    const item = array[i];
    if ((item !== null && typeof item === 'object') || typeof item === 'function') return DECLINE;
    copy[i] = item;
  }
  return copy;
}

function converted(value: unknown, type: unknown): unknown {
  if (value === null || value === undefined) return type === undefined || type === String || type === Number || type === Boolean ? value : DECLINE;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      break;
    default:
      return DECLINE;
  }
  if (type === undefined) return value;
  if (type === String) return String(value);
  if (type === Number) return Number(value);
  if (type === Boolean) return Boolean(value);
  return DECLINE;
}

/** One check as ValidationExecutor.customValidations runs it: true when it passes, DECLINE otherwise. */
function passes(check: Check, object: object, value: unknown): boolean {
  for (const validator of check.validators) {
    const args = { targetName: object.constructor ? object.constructor.name : undefined, property: check.property, object, value, constraints: check.constraints };
    if (!check.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      const valid = validator.validate(value, args);
      if (isThenable(valid)) return abandon([valid]);
      if (!valid) return false;
      continue;
    }
    if (!Array.isArray(value)) return false; // a Set or a Map: left to the pipe
    const results = value.map((item) => validator.validate(item, args));
    if (results.some(isThenable)) return abandon(results);
    if (!results.every((valid) => valid)) return false;
  }
  return true;
}

/** An asynchronous answer is the pipe's to wait for; ours is dropped without an unhandled rejection. */
function abandon(results: unknown[]): false {
  for (const result of results) if (isThenable(result)) (result as Promise<unknown>).then(undefined, () => undefined);
  return false;
}

/** The instance the ValidationPipe would return for `value`, or DECLINE when the pipe must decide. */
export function fastTransform(plan: ValidationPlan, value: unknown): object | typeof DECLINE {
  if (!isPlainRecord(value)) return DECLINE;
  const keys = Object.keys(value);
  for (const key of keys) if (!plan.inputs.has(key)) return DECLINE;
  const instance = new plan.metatype() as Record<string, unknown>;
  if (instance.constructor !== plan.metatype) return DECLINE;
  let options: object | undefined;
  for (const key of keys) {
    const input = plan.inputs.get(key)!;
    if (instance[key] instanceof Function) return DECLINE;
    let sub: unknown = value[key];
    let type: unknown;
    if (input.type) type = input.type.typeFunction ? input.type.typeFunction({ newObject: instance, object: value, property: key }) : input.type.reflectedType;
    if (Array.isArray(sub)) {
      if (input.type) return DECLINE;
      sub = copyOfPrimitives(sub);
    } else {
      sub = converted(sub, type);
    }
    if (sub === DECLINE) return DECLINE;
    if (input.transforms.length > 0) {
      options ??= { ...transformerDefaults, enableImplicitConversion: false };
      for (const transform of input.transforms) sub = transform({ value: sub, key, obj: value, type: TransformationType.PLAIN_TO_CLASS, options });
    }
    instance[key] = sub;
  }
  // whitelist + forbidNonWhitelisted, over the instance as class-validator sees it
  for (const key of Object.keys(instance)) if (!plan.inputs.has(key)) return DECLINE;
  for (const property of plan.properties) {
    const sub = instance[property.name];
    let validate: unknown = true;
    for (const condition of property.conditions) validate = condition(instance, sub) && validate;
    if (!validate) continue;
    for (const check of property.defined) if (!passes(check, instance, sub)) return DECLINE;
    for (const check of property.custom) if (!passes(check, instance, sub)) return DECLINE;
  }
  return instance;
}

// --- the pipe ------------------------------------------------------------------------------------------------------

/** The options the fast path is proved for; any other option leaves every value to the ValidationPipe. */
const SUPPORTED_OPTIONS = new Set(['whitelist', 'forbidNonWhitelisted', 'transform', 'transformOptions', 'validationError', 'exceptionFactory']);

function fastPathApplies(options: ValidationPipeOptions): boolean {
  if (Object.keys(options).some((key) => !SUPPORTED_OPTIONS.has(key))) return false;
  if (options.whitelist !== true || options.forbidNonWhitelisted !== true || options.transform !== true) return false;
  const transformOptions = (options.transformOptions ?? {}) as Record<string, unknown>;
  return Object.keys(transformOptions).every((key) => key === 'enableImplicitConversion' && transformOptions[key] === false);
}

/**
 * Nest's ValidationPipe with a compiled fast path for valid objects of a compiled class (see above); every other
 * value, and every value the fast path does not pass, goes through the ValidationPipe itself.
 */
export class FastValidationPipe extends ValidationPipe {
  private readonly fast: boolean;

  constructor(options: ValidationPipeOptions) {
    super(options);
    this.fast = fastPathApplies(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.fast && metadata.type !== 'custom' && typeof metadata.metatype === 'function') {
      const plan = validationPlan(metadata.metatype);
      if (plan) {
        let instance: object | typeof DECLINE;
        try {
          instance = fastTransform(plan, value);
        } catch {
          instance = DECLINE; // the pipe meets the same throw, or decides otherwise
        }
        if (instance !== DECLINE) return Promise.resolve(instance);
      }
    }
    return super.transform(value, metadata);
  }
}
