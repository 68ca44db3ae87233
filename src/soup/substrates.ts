import { OuroError } from "../core/errors.ts";
import { bffSubstrate } from "./bff.ts";
import type { Substrate } from "./substrate.ts";
import { subleqSubstrate } from "./subleq.ts";

/** The substrates `ouro soup run --substrate` knows, by name. */
export const SUBSTRATES: ReadonlyMap<string, Substrate> = new Map(
  [bffSubstrate, subleqSubstrate].map((substrate) => [substrate.name, substrate]),
);

/** The substrate of a name, or an error that lists the known ones. */
export function substrateByName(name: string): Substrate {
  const substrate = SUBSTRATES.get(name);
  if (!substrate) {
    throw new OuroError("option-invalid", `unknown substrate ${JSON.stringify(name)}; known: ${[...SUBSTRATES.keys()].join(", ")}`, {
      field: "substrate",
    });
  }
  return substrate;
}
