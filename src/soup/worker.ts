/**
 * The body of a soup worker thread: it runs ranges of pairs over the soup's shared memory and
 * answers with the steps taken. The main thread does every random draw, so the result does not
 * depend on how many workers there are.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runPairs } from "./soup.ts";
import { TAPE_BYTES } from "./substrate.ts";
import { substrateByName } from "./substrates.ts";

export interface SoupWorkerData {
  substrate: string;
  bytes: SharedArrayBuffer;
  perm: SharedArrayBuffer;
}

export interface PairRange {
  from: number;
  to: number;
  maxSteps: number;
}

const data = workerData as SoupWorkerData;
const substrate = substrateByName(data.substrate);
const soup = new Uint8Array(data.bytes);
const perm = new Uint32Array(data.perm);
const tape = new Uint8Array(TAPE_BYTES);

parentPort!.on("message", (range: PairRange) => {
  parentPort!.postMessage(runPairs(soup, perm, tape, substrate, range.from, range.to, range.maxSteps));
});
parentPort!.postMessage("ready");
