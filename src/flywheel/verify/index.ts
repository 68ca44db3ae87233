// How flywheel samples are verified, strongest first: the final answer against the reference
// (numeric or normalised text), the code against tests in the sandbox, an LLM judge, and the
// majority answer of a task's own samples. `chooseVerifier` picks the strongest that fits a task.
export { type AnswerVerifierOptions, answerVerifier, RELATIVE_TOLERANCE, sameNumber } from './answer.ts';
export { chooseVerifier } from './choose.ts';
export { codeOf } from './code-of.ts';
export { DEFAULT_TEST_TIMEOUT_MS, type ExecutionVerifierOptions, executionVerifier } from './execution.ts';
export { normaliseAnswer, numberValue, numericAnswer, textAnswer } from './final-answer.ts';
export { JUDGE_OPERATOR, type JudgeVerifierOptions, judgePrompt, judgeVerifier } from './judge.ts';
export type { TestRun } from './python-run.ts';
export { type SelfConsistencyVerifierOptions, selfConsistencyVerifier } from './self-consistency.ts';
export { mapWithLimit } from './verdicts.ts';
