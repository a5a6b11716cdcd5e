import { z } from "zod";

/**
 * The contracts the agent bundles are zod/mini schemas (agents/README.md,
 * "Footprint"), and @asteasolutions/zod-to-openapi reads only classic ones (`.meta()`,
 * `.format`, `.minLength`…). This rebuilds a schema, and every mini schema
 * within it, as classic zod from the same definitions and checks, so it
 * validates and documents as the original. A classic schema holding no mini
 * one is returned as it is. A kind of mini schema not listed here fails
 * rather than being documented wrongly.
 */
const CLASSIC: Record<string, new (def: never) => z.ZodType> = {
  string: z.ZodString,
  number: z.ZodNumber,
  boolean: z.ZodBoolean,
  unknown: z.ZodUnknown,
  enum: z.ZodEnum,
  literal: z.ZodLiteral,
  object: z.ZodObject,
  array: z.ZodArray,
  record: z.ZodRecord,
  union: z.ZodUnion,
  nullable: z.ZodNullable,
  optional: z.ZodOptional,
  default: z.ZodDefault,
  prefault: z.ZodPrefault,
  pipe: z.ZodPipe,
  transform: z.ZodTransform,
};

/** The definition keys that hold other schemas, by kind. */
const CHILDREN: Record<string, readonly string[]> = {
  array: ["element"],
  record: ["keyType", "valueType"],
  nullable: ["innerType"],
  optional: ["innerType"],
  default: ["innerType"],
  prefault: ["innerType"],
  pipe: ["in", "out"],
};

type Def = { type: string } & Record<string, unknown>;
type Schema = z.core.$ZodType;

function classFor(def: Def): new (def: never) => z.ZodType {
  if (def.type === "string" && def.format === "datetime") return z.ZodISODateTime;
  if (def.type === "number" && def.format !== undefined) return z.ZodNumberFormat;
  if (def.type === "union" && "discriminator" in def) return z.ZodDiscriminatedUnion;
  const found = CLASSIC[def.type];
  if (!found) throw new Error(`contracts/classic-schema.ts cannot rebuild a zod/mini ${def.type} schema as classic zod: add it`);
  return found;
}

const rebuilt = new WeakMap<Schema, z.ZodType>();

export function classicSchema<T extends Schema>(schema: T): z.ZodType<z.output<T>, z.input<T>> {
  const known = rebuilt.get(schema);
  if (known) return known as z.ZodType<z.output<T>, z.input<T>>;
  const def = schema._zod.def as unknown as Def;
  const children: Record<string, unknown> = {};
  let changed = false;
  const rebuild = (child: Schema) => {
    const classic = classicSchema(child);
    changed ||= classic !== child;
    return classic;
  };
  if (def.type === "object") {
    children.shape = Object.fromEntries(Object.entries(def.shape as Record<string, Schema>).map(([key, value]) => [key, rebuild(value)]));
  } else if (def.type === "union") {
    children.options = (def.options as Schema[]).map(rebuild);
  } else {
    for (const key of CHILDREN[def.type] ?? []) children[key] = rebuild(def[key] as Schema);
  }
  const isClassic = typeof (schema as { meta?: unknown }).meta === "function";
  let result: z.ZodType;
  if (isClassic && !changed) {
    result = schema as unknown as z.ZodType;
  } else {
    const Classic = classFor(def);
    result = new Classic({ ...def, ...children } as never);
    // Through `.meta`, which zod-to-openapi wraps to learn a component's id.
    const meta = z.globalRegistry.get(schema);
    if (meta) result = result.meta(meta);
  }
  rebuilt.set(schema, result);
  return result as z.ZodType<z.output<T>, z.input<T>>;
}
