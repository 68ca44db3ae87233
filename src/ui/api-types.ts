/**
 * The dashboard's JSON API under `/api`: what each endpoint returns. The server (src/ui/server)
 * and the front end (src/ui/web) both import these types, and the README documents them.
 *
 * Series are columnar (one array per field) so that a run of 100,000 candidates stays a few
 * megabytes of JSON and charts can use the arrays directly.
 */

/** GET /api/runs */
export interface RunRow {
  id: string;
  experiment: string;
  status: string;
  bestScore: number | null;
  evaluations: number;
  /** US dollars spent on model calls. */
  costUsd: number;
  tokens: number;
  createdAt: number;
}

/** GET /api/runs/:run  (404 { error } for an unknown run) */
export interface RunOverview {
  run: RunRow;
  bestCandidate: string | null;
  bestKnown: { score: number; source: string } | null;
  targetScore: number | null;
  /** Every evaluation in commit order. `score` is null unless status is ok. */
  evaluations: {
    seq: number[];
    score: Array<number | null>;
    status: string[];
    island: number[];
    operator: string[];
    /** Milliseconds since the run started (elapsed over all sessions). */
    elapsedMs: number[];
  };
  /** Best score so far after each evaluation (null until the first ok one). */
  bestSoFar: Array<number | null>;
  /**
   * Spend over time, one point per model call, cumulative; `taskCostUsd` and `taskTokens` are the
   * part that evaluators spent through `context.models` (operator `task`), the rest is the search's.
   */
  spend: { elapsedMs: number[]; costUsd: number[]; tokens: number[]; taskCostUsd: number[]; taskTokens: number[] };
  /** Operator statistics: pulls (children proposed, failures included), mean reward, cost. */
  operators: Array<{ name: string; children: number; failed: number; improved: number; meanReward: number; costUsd: number }>;
  models: Array<{ name: string; calls: number; failedCalls: number; tokens: number; costUsd: number; meanLatencyMs: number }>;
  lessons: Array<{ evaluations: number; source: string; lessons: string[] }>;
  /** The MAP-Elites axes when the run's archive has them, else null. */
  archive: { kind: string; islands: number; features: Array<{ name: string; min: number; max: number; bins: number }> } | null;
}

/** GET /api/runs/:run/lineage?top=K  (default K = 20; nodes are the ancestors of the top K, plus the root) */
export interface Lineage {
  nodes: Array<{
    id: string;
    seq: number;
    score: number | null;
    status: string;
    generation: number;
    island: number;
    operator: string;
    onBestPath: boolean;
  }>;
  /** parent -> child */
  edges: Array<{ source: string; target: string }>;
  /** Candidate ids from the root to the best, in order. */
  bestPath: string[];
  /** How the nodes were chosen, such as `ancestors of the top 20 of 100,000 candidates`. */
  selection: string;
  totalCandidates: number;
}

/** GET /api/runs/:run/grid  (404 when the run's archive is not map-elites) */
export interface Grid {
  features: Array<{ name: string; min: number; max: number; bins: number }>;
  islands: number;
  /** One entry per occupied cell: the best ok candidate whose features fall in it, per island. */
  cells: Array<{ island: number; x: number; y: number; score: number; candidate: string }>;
}

/** One front member, as a row of GET /api/runs/:run/front. */
export interface FrontCandidate {
  id: string;
  seq: number;
  score: number;
  operator: string;
  /** Instances it leads (ties count), the weight the Pareto archive draws it with as a parent. */
  led: number;
}

/**
 * GET /api/runs/:run/front: the candidates that lead at least one instance and that no other
 * candidate dominates, over the per-instance scores of the run's ok evaluations, as the Pareto
 * archive (src/archive/pareto.ts) defines them, whatever archive the run used. Capped at 60 rows
 * and 200 columns (`cut` says what was left out). A run whose evaluations give no per-instance
 * scores gets no rows and a `reason`. (404 { error } for an unknown run.)
 */
export interface ParetoFront {
  /** The run's archive kind (`pareto`, `map-elites`, ...). */
  archive: string;
  /** Rows: front members, most instances led first, then higher score, then earlier seq. */
  candidates: FrontCandidate[];
  /** Columns: instance names in natural order (`case-2` before `case-10`). */
  instances: string[];
  /**
   * The column that holds the overall score, when the archive counts it as one more instance:
   * for every candidate with `scoreAsInstance`, and for a candidate it keeps without per-instance
   * scores. Null when no row has it.
   */
  overallColumn: number | null;
  /** `scores[row][column]`, null where that candidate has no score for that instance. */
  scores: Array<Array<number | null>>;
  /** Per column: the best score on it of any ok candidate. */
  best: number[];
  /** Per column: the ids of the rows that reach that best (leaders among the rows shown). */
  leaders: string[][];
  /** Per column: how many front members reach that best, rows cut included. */
  leaderCount: number[];
  totals: {
    /** Ok evaluations read. */
    evaluations: number;
    /** Of those, how many gave per-instance scores. */
    withInstances: number;
    /** Front members, before the cap. */
    front: number;
    /** Instances (columns), before the cap. */
    instances: number;
  };
  /** What the caps left out, such as `60 of 143 front members ...`; null when nothing was. */
  cut: string | null;
  /** Why there are no rows, or null. */
  reason: string | null;
}

/** GET /api/candidates/:id  (404 { error } for an unknown candidate) */
export interface CandidateDetail {
  id: string;
  runId: string;
  seq: number;
  generation: number;
  island: number;
  parents: string[];
  children: string[];
  genome: Record<string, string>;
  /** The parent's genome, for a side-by-side diff (null for the initial candidate). */
  parentGenome: Record<string, string> | null;
  diff: string;
  origin: { operator: string; description: string; model: string | null; rationale: string | null };
  evaluation: {
    status: string;
    score: number | null;
    metrics: Record<string, number>;
    /** Stored and shown here only: never in a prompt ({} for a candidate stored before they were). */
    privateMetrics: Record<string, number>;
    features: Record<string, number>;
    instances: Record<string, number>;
    feedback: string;
    artifacts: Record<string, unknown>;
    stage: string;
    error: string | null;
    durationMs: number;
  };
  /** The model exchanges of the proposal that made it. */
  calls: Array<{
    model: string;
    operator: string;
    messages: Array<{ role: string; content: string }>;
    reply: string | null;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    latencyMs: number;
    error: string | null;
  }>;
}

/**
 * GET /api/runs/:run/events: Server-Sent Events. Each `candidate` event carries one newly
 * committed candidate as soon as the server sees it (it polls the store), so charts and the
 * lineage can grow without a reload.
 */
export interface CandidateEvent {
  id: string;
  seq: number;
  score: number | null;
  status: string;
  island: number;
  operator: string;
  elapsedMs: number;
  parents: string[];
  generation: number;
}

/** GET /api/dgm: the Darwin Goedel Machine runs (agents that rewrite themselves); SQLite databases only, [] elsewhere. */
export interface DgmRunRow {
  id: string;
  /** The benchmark folder the agents were scored on. */
  bench: string;
  status: string;
  /** Agents recorded, the initial one included. */
  agents: number;
  kept: number;
  /** Best score of a kept agent: its resolved rate on the largest set it reached. */
  bestScore: number | null;
  tokens: number;
  costUsd: number;
  wallMs: number;
  /** Agents flagged `sandbox-violation`. */
  flagged: number;
  createdAt: number;
}

/** Tokens, money and wall time of one phase of a child's life. */
export interface DgmSpend {
  tokens: number;
  costUsd: number;
  wallMs: number;
}

/** One agent of the archive, as GET /api/dgm/:run lists it. */
export interface DgmAgentRow {
  id: string;
  seq: number;
  parentId: string | null;
  kept: boolean;
  discardReason: string | null;
  score: number | null;
  /** Resolved rate per set reached, such as { small: 0.6, medium: 0.5 }. */
  scores: Record<string, number>;
  /** Tasks resolved of those graded, per set reached. */
  tasks: Record<string, { resolved: number; total: number }>;
  /** `sandbox-violation` when the agent tried to escape. */
  flags: string[];
  violations: string[];
  tokens: number;
  costUsd: number;
  wallMs: number;
  /** What the diagnosis asked this child to fix (null for the initial agent); `problem` clipped to 240 characters. */
  diagnosis: { kind: string; taskId: string | null; problem: string } | null;
  createdAt: number;
}

/** GET /api/dgm/:run  (404 { error } for an unknown DGM run) */
export interface DgmArchive {
  run: DgmRunRow;
  /** What the run was started with. */
  settings: {
    model: string;
    seed: number;
    lambda: number;
    thresholds: { medium: number; full: string | number };
    repeats: number;
    budget: Record<string, number>;
  };
  /** Every agent in seq order. */
  agents: DgmAgentRow[];
}

/** GET /api/dgm/:run/agents/:id  (404 { error } for an unknown agent) */
export interface DgmAgentDetail extends Omit<DgmAgentRow, 'diagnosis'> {
  runId: string;
  /** The diagnosis in full. */
  diagnosis: { kind: string; taskId: string | null; problem: string } | null;
  /** Unified diff against the parent (empty for the initial agent or an unchanged child). */
  diff: string;
  phases: { diagnosis: DgmSpend; selfModification: DgmSpend; evaluation: DgmSpend };
  /** Each graded task; `output` (the hidden tests' report) clipped to 2,000 characters. */
  results: Array<{ taskId: string; set: string; status: string; attempts: string[]; reason: string | null; output: string }>;
}

/**
 * GET /api/flywheel: the self-training flywheel runs (sample, verify, keep, export, train, repeat);
 * SQLite databases only, [] elsewhere and in a database that never held one.
 */
export interface FlywheelRunRow {
  id: string;
  /** `finished`, `stopped` (by the collapse guard, a failed job or an interrupt), or `crashed-or-running`. */
  status: string;
  /** Rounds stored so far (a round is stored once it ends). */
  rounds: number;
  createdAt: number;
}

/** The figures of one stored round; null where the round did not measure it. */
export interface FlywheelFigures {
  /** Train tasks with a checked reply, replies sampled, replies checked, and the K of pass@K. */
  tasks: number | null;
  samples: number | null;
  checked: number | null;
  k: number | null;
  passAt1: number | null;
  passAtK: number | null;
  /** Greedy accuracy on the held-out tasks, the figure the collapse guard watches; null without a held-out split. */
  heldOutAccuracy: number | null;
  heldOutTasks: number | null;
  /** Distinct final answers over replies, summed over tasks. */
  answerDiversity: number | null;
  /** Mean distinct correct final answers per task. */
  distinctCorrect: number | null;
  /** Share of the kept examples whose deciding verdict passed. */
  selectedAccuracy: number | null;
  /** Set when a weak verifier (a judge, self-consistency) decided kept examples: the accuracy is then agreement. */
  accuracyNote: string | null;
  /** B-STaR's balance of exploration and exploitation. */
  balance: number | null;
  /** SFT examples kept, by origin (`sample`, `rationalised`, `human`). */
  kept: number | null;
  keptByOrigin: Record<string, number>;
  /** Preference pairs made. */
  pairs: number | null;
  /** Human examples (reference solutions) mixed into the SFT export. */
  human: number | null;
  tokens: number | null;
  costUsd: number | null;
  temperature: number | null;
  /** Why adaptive sampling moved K or the temperature before this round. */
  adaptation: string | null;
}

/** One round of GET /api/flywheel/:run. */
export interface FlywheelRoundRow {
  round: number;
  /** The policy model the round sampled. */
  model: string;
  /** `complete`, `flagged` (the collapse guard's verdict) or `failed`. */
  status: string;
  /** Why the round was flagged or failed. */
  message: string | null;
  figures: FlywheelFigures;
  /** What the round exported (`sft`, `pairs`): the file as written on the machine that ran it, its rows and SHA-256. */
  exports: Array<{ kind: string; file: string; rows: number; sha256: string }>;
  /** The last update of the round's training job; null when no job was started for it (trainer `none`, or not yet). */
  job: { id: string; trainer: string; status: string; model: string | null; error: string | null; at: number } | null;
  createdAt: number;
}

/** GET /api/flywheel/:run  (404 { error } for an unknown flywheel run) */
export interface FlywheelRunDetail {
  run: FlywheelRunRow;
  /** What the run was started with, as a reader needs it. */
  settings: {
    /** The task source as `--source` spells it, such as `gsm8k:train.jsonl`. */
    source: string;
    /** The policy model of round 0. */
    model: string;
    judge: string | null;
    /** `star` or `rest`. */
    method: string;
    /** Pair kinds made each round (`dpo`, `spin`, `scpo`). */
    pairs: string[];
    /** Rounds asked for. */
    rounds: number | null;
    k: number | null;
    temperature: number | null;
    /** Whether K and the temperature adapt between rounds. */
    adapt: boolean;
    heldOut: number | null;
    tasksPerRound: number | null;
    /** `flag` (record and go on) or `stop`, with the thresholds that count as collapse. */
    guard: { mode: string; maxHeldOutDrop: number | null; minDiversity: number | null };
    /** `none`, `openai`, `openai:<url>` or `command:<cmd>`; a password in a URL is hidden. */
    trainer: string;
    /** The run this one replays, when it is a replay. */
    replayOf: string | null;
  };
  /** Every stored round, oldest first. */
  rounds: FlywheelRoundRow[];
  /**
   * What the run is doing when it may be live (status `crashed-or-running`): the round being
   * sampled, or the round whose training job is in flight. Null for a finished or stopped run, and
   * after a failed job. A run that crashed looks the same as a live one: the store cannot tell.
   */
  progress: { round: number; phase: 'sampling' | 'training'; job: string | null } | null;
}

/**
 * GET /api/tasks: the runs that generate tasks (a proposer writes them, the sandbox validates them,
 * a solver attempts them) or play games; SQLite databases only, [] elsewhere and in a database that
 * never held one.
 */
export interface TasksRunRow {
  id: string;
  /** `generate` (proposed tasks) or `selfplay` (games). */
  kind: string;
  /** `finished`, `stopped` or `crashed-or-running`. */
  status: string;
  /** Proposals recorded, kept or rejected (unparseable replies included). */
  proposals: number;
  kept: number;
  rejected: number;
  createdAt: number;
}

/** A kept task of GET /api/tasks/:run, with what the solver made of it. */
export interface TasksKeptRow {
  /** The proposal's number in the run. */
  seq: number;
  id: string;
  title: string;
  /** `generator/difficulty/topic`. */
  category: string;
  /** The solver's attempts over every model, and how many passed. */
  attempts: number;
  passed: number;
  /** passed / attempts; null before the first attempt. */
  passRate: number | null;
}

/** GET /api/tasks/:run  (404 { error } for an unknown task run) */
export interface TasksRunDetail {
  run: TasksRunRow;
  /** Rejected proposals by reason: every reason the validator knows, 0 when never seen, in its order. */
  rejectedByReason: Array<{ reason: string; count: number }>;
  /**
   * The pass rates of the kept tasks with at least one attempt, in ten bins over [0, 1]: bin i
   * holds [i/10, (i+1)/10), the last bin holds 1 too. `band` is the learnability band of the run's
   * settings (`bounds`), a task being learnable strictly inside it; null when the run has none.
   */
  passRates: {
    bins: Array<{ from: number; to: number; tasks: number }>;
    tasks: number;
    band: { low: number; high: number } | null;
  };
  /**
   * The curriculum's arms' weights at each step, columnar: `steps[i]` is a step number, and each
   * category's `weights[i]` its weight at that step (null when the step did not weigh it). `picked[i]`
   * is the category the step chose, `rewards[i]` what that earned (null when nothing measurable).
   */
  curriculum: {
    steps: number[];
    picked: string[];
    rewards: Array<number | null>;
    categories: Array<{ category: string; weights: Array<number | null> }>;
  };
  /** Every kept task, in seq order. */
  kept: TasksKeptRow[];
  /** The latest rejected proposals, newest first, at most 100 of them (the run's `rejected` counts all). */
  rejections: Array<{ seq: number; category: string; reason: string; detail: string; createdAt: number }>;
  /** Self-play episodes by game, most played first. */
  episodes: Array<{ game: string; count: number }>;
}

/** Every error response: `{ error: "no run r123 in .ouro/ouro.db" }` with status 404 or 400. */
export interface ApiError {
  error: string;
}
