/*
 * A minimal native reference for the BFF soup, for `npm run bench -- soup` (bench/soup.ts
 * compiles it with `cc -O2 -march=native` into a temp dir and runs it). Single thread.
 *
 * The interpreter has exactly the semantics of `runTape` in src/soup/bff.ts: byte codes are the
 * ASCII codes of `< > { } + - . , [ ]`, every other byte is a no-op; a 128-byte tape; heads wrap
 * modulo 128 (written `& 127` here); the IP does not wrap and execution ends when it passes the
 * last byte; `[` / `]` scan for their partner only when the jump is taken, counting nesting
 * depth, and execution ends when none is found; every fetch is a step, no-ops included and a
 * bracket whose failed scan ends execution; at most 8192 steps.
 *
 * The soup loop reproduces `Soup.random` + `Soup.epoch` (src/soup/soup.ts) draw for draw, so a
 * run here and a run in TypeScript with the same seeds end with the same bytes and the same step
 * count (the bench checks both):
 * - RNG: sfc32 seeded by splitmix32 with 12 discarded outputs, as `Rng.fromSeed`
 *   (src/core/rng.ts); uniform doubles from two 32-bit draws (27 + 26 bits) as `Rng.next`;
 *   `int(n) = floor(next() * n)`.
 * - Soup bytes from `fromSeed(seed)`, four bytes per draw, little-endian; the epochs' RNG is
 *   `fromSeed(seed + 1)`.
 * - Per epoch: identity permutation, Fisher–Yates from the top; pair k = (perm[2k], perm[2k+1]).
 * - Mutation: geometric gaps over the epoch's stream of tape bytes (one draw per mutation,
 *   gap = floor(log1p(-u) / log1p(-p))), drawn fresh at each epoch; the new byte is
 *   `uint32 & 0xff`. Applied to the soup in tape order before the pairs run.
 * - Each pair is copied into a 128-byte tape, run, and copied back.
 *
 * Usage:
 *   soup-ref N epochs seed p [warmup [out]]
 *     Random soup of N programs from `seed`; runs `warmup` untimed epochs, then `epochs` timed
 *     ones (shuffle + mutate + run, clock_gettime(CLOCK_MONOTONIC)). Prints
 *     {"interactions":..,"steps":..,"seconds":..} for the timed epochs; writes the final soup
 *     bytes to `out` if given.
 *   soup-ref --tapes file count rounds out
 *     Reads `count` 128-byte tapes from `file`; `rounds` times, runs each tape in place (copied
 *     into a scratch tape, run, copied back); prints {"runs":..,"steps":..,"seconds":..} and
 *     writes the final tapes to `out`.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAPE = 128, PROG = 64, MAX_STEPS = 8192 };

static uint32_t run_tape(uint8_t *restrict tape, uint32_t max_steps) {
  int ip = 0;
  unsigned h0 = 0, h1 = 0;
  uint32_t steps = 0;
  while (ip < TAPE && steps < max_steps) {
    steps++;
    switch (tape[ip]) {
      case '<': h0 = (h0 - 1) & (TAPE - 1); break;
      case '>': h0 = (h0 + 1) & (TAPE - 1); break;
      case '{': h1 = (h1 - 1) & (TAPE - 1); break;
      case '}': h1 = (h1 + 1) & (TAPE - 1); break;
      case '+': tape[h0]++; break;
      case '-': tape[h0]--; break;
      case '.': tape[h1] = tape[h0]; break;
      case ',': tape[h0] = tape[h1]; break;
      case '[':
        if (tape[h0] == 0) {
          int depth = 1, j = ip + 1;
          for (; j < TAPE; j++) {
            uint8_t b = tape[j];
            if (b == '[') depth++;
            else if (b == ']' && --depth == 0) break;
          }
          if (j >= TAPE) return steps;
          ip = j;
        }
        break;
      case ']':
        if (tape[h0] != 0) {
          int depth = 1, j = ip - 1;
          for (; j >= 0; j--) {
            uint8_t b = tape[j];
            if (b == ']') depth++;
            else if (b == '[' && --depth == 0) break;
          }
          if (j < 0) return steps;
          ip = j;
        }
        break;
      default: break;
    }
    ip++;
  }
  return steps;
}

typedef struct { uint32_t a, b, c, d; } rng_t;

static inline uint32_t rng_u32(rng_t *r) {
  uint32_t t = r->a + r->b + r->d;
  r->d += 1;
  r->a = r->b ^ (r->b >> 9);
  r->b = r->c + (r->c << 3);
  r->c = (r->c << 21) | (r->c >> 11);
  r->c += t;
  return t;
}

static uint32_t splitmix32(uint32_t *s) {
  *s += 0x9e3779b9u;
  uint32_t z = *s;
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}

static rng_t rng_from_seed(uint32_t seed) {
  rng_t r;
  r.a = splitmix32(&seed);
  r.b = splitmix32(&seed);
  r.c = splitmix32(&seed);
  r.d = splitmix32(&seed);
  for (int i = 0; i < 12; i++) rng_u32(&r);
  return r;
}

static inline double rng_next(rng_t *r) {
  double high = (double)(rng_u32(r) >> 5);
  double low = (double)(rng_u32(r) >> 6);
  return (high * 67108864.0 + low) / 9007199254740992.0;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void write_file(const char *path, const uint8_t *bytes, size_t length) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(bytes, 1, length, f) != length || fclose(f) != 0) {
    fprintf(stderr, "soup-ref: cannot write %s\n", path);
    exit(1);
  }
}

static uint64_t epoch(uint8_t *soup, uint32_t *perm, uint32_t n, rng_t *rng, double p) {
  for (uint32_t i = 0; i < n; i++) perm[i] = i;
  for (uint32_t i = n - 1; i > 0; i--) {
    uint32_t j = (uint32_t)floor(rng_next(rng) * (double)(i + 1));
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  if (p > 0) {
    int every = p >= 1;
    double log_keep = every ? 0 : log1p(-p);
    double total = (double)n * PROG;
    double next = every ? 0 : floor(log1p(-rng_next(rng)) / log_keep);
    while (next < total) {
      uint64_t at = (uint64_t)next;
      soup[(size_t)perm[at / PROG] * PROG + at % PROG] = (uint8_t)(rng_u32(rng) & 0xff);
      next += 1 + (every ? 0 : floor(log1p(-rng_next(rng)) / log_keep));
    }
  }
  uint8_t tape[TAPE];
  uint64_t steps = 0;
  for (uint32_t k = 0; k < n / 2; k++) {
    uint8_t *a = soup + (size_t)perm[2 * k] * PROG;
    uint8_t *b = soup + (size_t)perm[2 * k + 1] * PROG;
    memcpy(tape, a, PROG);
    memcpy(tape + PROG, b, PROG);
    steps += run_tape(tape, MAX_STEPS);
    memcpy(a, tape, PROG);
    memcpy(b, tape + PROG, PROG);
  }
  return steps;
}

static int soup_main(int argc, char **argv) {
  long n = strtol(argv[1], NULL, 10);
  long epochs = strtol(argv[2], NULL, 10);
  uint32_t seed = (uint32_t)strtoul(argv[3], NULL, 10);
  double p = strtod(argv[4], NULL);
  long warmup = argc > 5 ? strtol(argv[5], NULL, 10) : 0;
  if (n < 2 || n % 2 != 0 || n > (1L << 22) || epochs < 0 || warmup < 0 || !(p >= 0 && p <= 1)) {
    fprintf(stderr, "soup-ref: bad arguments\n");
    return 2;
  }
  uint8_t *soup = malloc((size_t)n * PROG);
  uint32_t *perm = malloc((size_t)n * sizeof *perm);
  if (!soup || !perm) return 1;
  rng_t init = rng_from_seed(seed);
  for (size_t i = 0; i < (size_t)n * PROG; i += 4) {
    uint32_t w = rng_u32(&init);
    soup[i] = w & 0xff;
    soup[i + 1] = (w >> 8) & 0xff;
    soup[i + 2] = (w >> 16) & 0xff;
    soup[i + 3] = w >> 24;
  }
  rng_t rng = rng_from_seed(seed + 1);
  for (long e = 0; e < warmup; e++) epoch(soup, perm, (uint32_t)n, &rng, p);
  uint64_t steps = 0;
  double start = now_seconds();
  for (long e = 0; e < epochs; e++) steps += epoch(soup, perm, (uint32_t)n, &rng, p);
  double seconds = now_seconds() - start;
  printf("{\"interactions\":%ld,\"steps\":%llu,\"seconds\":%.9f}\n", epochs * (n / 2), (unsigned long long)steps, seconds);
  if (argc > 6) write_file(argv[6], soup, (size_t)n * PROG);
  return 0;
}

static int tapes_main(char **argv) {
  long count = strtol(argv[3], NULL, 10);
  long rounds = strtol(argv[4], NULL, 10);
  if (count < 1 || rounds < 0) {
    fprintf(stderr, "soup-ref: bad arguments\n");
    return 2;
  }
  size_t length = (size_t)count * TAPE;
  uint8_t *tapes = malloc(length);
  FILE *f = fopen(argv[2], "rb");
  if (!tapes || !f || fread(tapes, 1, length, f) != length) {
    fprintf(stderr, "soup-ref: cannot read %ld tapes from %s\n", count, argv[2]);
    return 1;
  }
  fclose(f);
  uint8_t tape[TAPE];
  uint64_t steps = 0;
  double start = now_seconds();
  for (long r = 0; r < rounds; r++) {
    for (long i = 0; i < count; i++) {
      memcpy(tape, tapes + (size_t)i * TAPE, TAPE);
      steps += run_tape(tape, MAX_STEPS);
      memcpy(tapes + (size_t)i * TAPE, tape, TAPE);
    }
  }
  double seconds = now_seconds() - start;
  printf("{\"runs\":%ld,\"steps\":%llu,\"seconds\":%.9f}\n", count * rounds, (unsigned long long)steps, seconds);
  write_file(argv[5], tapes, length);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "--tapes") == 0) return tapes_main(argv);
  if (argc >= 5 && argc <= 7) return soup_main(argc, argv);
  fprintf(stderr, "usage: soup-ref N epochs seed p [warmup [out]]\n       soup-ref --tapes file count rounds out\n");
  return 2;
}
