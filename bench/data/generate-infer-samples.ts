// npx tsx bench/data/generate-infer-samples.ts: writes bench/data/infer-samples.json.
//
// SYNTHETIC data, not model outputs. No recorded model samples ship with the repository and no
// model is reachable where the benchmark runs, so this script draws "recorded samples" from
// per-question answer distributions chosen to resemble how a mid-size model behaves on GSM8K-style
// arithmetic word problems: about two thirds of single samples right, most questions easy, and
// a hard tail where a wrong answer can hold the majority. Every figure measured on it says how the
// stopping rules trade samples for accuracy on such distributions, not how any real model does.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Rng } from '../../src/core/rng.ts';

const SEED = 2024;
const QUESTIONS = 300;
const SAMPLES = 40;

/** Share of questions, and the range of the chance that one sample is right. */
const KINDS = [
  { kind: 'easy', share: 0.45, low: 0.85, high: 0.99 },
  { kind: 'medium', share: 0.3, low: 0.5, high: 0.85 },
  { kind: 'hard', share: 0.25, low: 0.1, high: 0.5 },
] as const;

const rng = Rng.fromSeed(SEED);
const uniform = (low: number, high: number) => low + (high - low) * rng.next();
const round = (value: number, digits: number) => Number(value.toFixed(digits));

function pickKind() {
  let roll = rng.next();
  for (const kind of KINDS) {
    if ((roll -= kind.share) < 0) return kind;
  }
  return KINDS[KINDS.length - 1] as (typeof KINDS)[number];
}

const questions = Array.from({ length: QUESTIONS }, (_, id) => {
  const kind = pickKind();
  const right = uniform(kind.low, kind.high);
  const gold = 10 + rng.int(990);
  // One to four distractors (typical slips: off by one step, a wrong operation); the first one
  // takes a large share of the wrong mass, so on hard questions it can outvote the right answer.
  const distractors = Array.from({ length: 1 + rng.int(4) }, (_, index) =>
    String(gold + (index + 1) * (rng.int(2) === 0 ? -1 : 1) * (1 + rng.int(50))),
  );
  const weights = distractors.map((_, index) => (index === 0 ? 2 + 3 * rng.next() : rng.next()));
  const answers: string[] = [];
  const confidences: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const correct = rng.next() < right;
    answers.push(correct ? String(gold) : (distractors[rng.weighted(weights)] as string));
    // A one-sample confidence (the geometric-mean token probability a model would report), tied to
    // how easy the question is, a little higher for right answers, plus noise.
    const confidence = 0.35 + 0.6 * right + (correct ? 0.03 : -0.03) + 0.05 * rng.gaussian();
    confidences.push(round(Math.min(0.99, Math.max(0.01, confidence)), 2));
  }
  return { id, kind: kind.kind, gold: String(gold), right: round(right, 3), answers, confidences };
});

const file = resolve(import.meta.dirname, 'infer-samples.json');
writeFileSync(
  file,
  `${JSON.stringify({
    note: 'SYNTHETIC recorded samples for bench/infer.ts, made by bench/data/generate-infer-samples.ts; not real model outputs.',
    seed: SEED,
    samplesPerQuestion: SAMPLES,
    questions,
  })}\n`,
);
console.log(`wrote ${questions.length} questions x ${SAMPLES} samples to ${file}`);
