// scenarios/scenario.schema.json is what `migsim schema` prints (it is generated from the zod
// schema), and it accepts the library and rejects what the loader rejects.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema, scenarioSchema } from "../../src/scenario/schema.js";

const published = JSON.parse(readFileSync("scenarios/scenario.schema.json", "utf8")) as Record<string, unknown>;

describe("scenarios/scenario.schema.json", () => {
  it("is current (regenerate with: node bin/migsim.js schema > scenarios/scenario.schema.json)", () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it("is a draft 2020-12 schema that forbids unknown top-level keys and lists every parameter", () => {
    expect(published.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(published.additionalProperties).toBe(false);
    const params = (published.properties as Record<string, { properties?: Record<string, unknown> }>).params;
    expect(Object.keys(params?.properties ?? {})).toContain("abscondBaseHazardPerMonth");
  });

  it.each(readdirSync("scenarios").filter((f) => f.endsWith(".yaml")))("accepts the library file %s (via the same zod schema)", (f) => {
    expect(scenarioSchema.safeParse(parse(readFileSync(join("scenarios", f), "utf8"))).success).toBe(true);
  });
});
