// Sample genomes in the languages besides JavaScript that the embedded operators edit through
// tree-sitter. Each has code before, inside and after an EVOLVE block; inside: numbers in several
// forms, operators, declarations used later, a function with parameters and a loop.

/** One language's samples, as the conformance suite and the tests use them. */
export interface LanguageSample {
  /** As operators name it in `languages`. */
  language: string;
  file: string;
  /** The sample program. */
  text: string;
  /** A relative of `text`, as a second parent: other constants and statements in the block. */
  variant: string;
  /** A file whose only EVOLVE block holds a comment. */
  inert: string;
  /** A file with a syntax error on line 2, inside its EVOLVE block. */
  broken: string;
  /** A file with a start marker and no end marker. */
  unclosed: string;
}

export const PYTHON_SAMPLE = `import math

SCALE = 2.5  # frozen: 1 + 2


# EVOLVE-BLOCK-START
def score(values, limit=10):
    total = 0.0
    count = 0
    best = -1.5
    for index, value in enumerate(values):
        if value > 0.5 and index < limit:
            total += value * 1.5 - 0.25
            count = count + 1
        elif value <= -2:
            best = max(best, value / 3)
    mean = total / count if count > 0 else 0.0
    spread = math.sqrt(abs(mean - best)) * 0x1F // 4
    return mean * SCALE + best - spread % 7
# EVOLVE-BLOCK-END


def frozen():
    return 1 + 2 * 3
`;

export const C_SAMPLE = `#include <math.h>
#define N 26

static double frozen(double x) { return x * 2.0 + 1; }

// EVOLVE-BLOCK-START
double score(const double *values, int n, double limit) {
  double total = 0.0;
  int count = 0;
  double best = -1.5f;
  for (int i = 0; i < n && i < N; i++) {
    double value = values[i];
    if (value > 0.5 && value <= limit) {
      total += value * 1.5 - 0.25;
      count = count + 1;
    }
    best = fmax(best, value / 3);
  }
  unsigned mask = 0x1Fu;
  double mean = count > 0 ? total / count : 0.0;
  return mean * 1e-3 + best - (mask >> 2);
}
// EVOLVE-BLOCK-END

int main(void) { return frozen(1.0) > 2 ? 0 : 1; }
`;

export const CPP_SAMPLE = `#include <algorithm>
#include <vector>

constexpr double kScale = 2.5;

// EVOLVE-BLOCK-START
double score(const std::vector<double>& values, int limit) {
  double total = 0.0;
  int count = 0;
  auto best = -1.5;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double value = values[i];
    if (value > 0.5 && static_cast<int>(i) < limit) {
      total += value * 1.5f - 0.25;
      count = count + 1;
    }
    best = std::max(best, value / 3);
  }
  for (double value : values) total -= value * 1e-3;
  const long steps = 1'000L;
  double mean = count > 0 ? total / count : 0.0;
  return mean * kScale + best - steps / 4;
}
// EVOLVE-BLOCK-END

int main() { return score({1.0, 2.0}, 3) > 2 ? 0 : 1; }
`;

export const RUST_SAMPLE = `use std::f64::consts::PI;

const SCALE: f64 = 2.5;

// EVOLVE-BLOCK-START
pub fn score(values: &[f64], limit: usize) -> f64 {
    let mut total = 0.0;
    let mut count = 0u32;
    let mut best: f64 = -1.5;
    for (index, value) in values.iter().enumerate() {
        if *value > 0.5 && index < limit {
            total += value * 1.5 - 0.25;
            count = count + 1;
        }
        best = best.max(value / 3.0);
    }
    let mean = if count > 0 { total / count as f64 } else { 0.0 };
    let mask = 0x1F_u8;
    let pair = (mean, 2.0f32);
    mean * SCALE + best - 1e-3 * PI + f64::from(mask >> 2) + pair.0
}
// EVOLVE-BLOCK-END

fn main() {
    println!("{}", score(&[1.0, 2.0], 3));
}
`;

export const GO_SAMPLE = `package main

import (
	"fmt"
	"math"
)

const Scale = 2.5

// EVOLVE-BLOCK-START
func score(values []float64, limit int) float64 {
	total := 0.0
	count := 0
	best := -1.5
	for index, value := range values {
		if value > 0.5 && index < limit {
			total += value*1.5 - 0.25
			count = count + 1
		}
		best = math.Max(best, value/3)
	}
	mean := 0.0
	if count > 0 {
		mean = total / float64(count)
	}
	mask := 0x1F
	return mean*Scale + best - 1e-3*float64(mask>>2)
}
// EVOLVE-BLOCK-END

func main() { fmt.Println(score([]float64{1, 2}, 3)) }
`;

/** A relative of a sample: other constants, and one statement written differently. */
function variantOf(text: string, statement: [string, string]): string {
  return text
    .replace('1.5 - 0.25', '1.25 + 0.1')
    .replace('0.5 &&', '0.75 &&')
    .replace('0.5 and', '0.75 and')
    .replace(...statement);
}

function sample(
  language: string,
  file: string,
  text: string,
  comment: string,
  statement: [string, string],
  broken: string,
): LanguageSample {
  const marker = (name: string): string => `${comment} EVOLVE-BLOCK-${name}`;
  return {
    language,
    file,
    text,
    variant: variantOf(text, statement),
    inert: `${text.split(marker('START'))[0]}${marker('START')}\n${comment} nothing to evolve yet\n${marker('END')}\n`,
    broken: `${marker('START')}\n${broken}\n${marker('END')}\n`,
    unclosed: text.split(marker('END'))[0] as string,
  };
}

/** The samples of every language besides JavaScript and TypeScript, by language name. */
export const LANGUAGE_SAMPLES: Readonly<Record<string, LanguageSample>> = Object.freeze({
  Python: sample('Python', 'model.py', PYTHON_SAMPLE, '#', ['count = count + 1', 'count += 2'], 'def f(:'),
  C: sample('C', 'kernel.c', C_SAMPLE, '//', ['count = count + 1;', 'count += 2;'], 'int f( { return 1 +; }'),
  'C++': sample('C++', 'model.cpp', CPP_SAMPLE, '//', ['count = count + 1;', 'count += 2;'], 'int f( { return 1 +; }'),
  Rust: sample('Rust', 'lib.rs', RUST_SAMPLE, '//', ['count = count + 1;', 'count += 2;'], 'fn f( { 1 + }'),
  Go: sample('Go', 'main.go', GO_SAMPLE, '//', ['count = count + 1', 'count += 2'], 'func f( { return 1 + }'),
});
