import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'prompt-json-extract',
  description: [
    'A prompt for a chat model that reads a short business text (an email, invoice, receipt, chat or voicemail transcript, ',
    'some in French, Spanish or German) and answers with one JSON object with six keys. The prompt is the genome: system.md ',
    '(instructions) and examples.md (worked examples) are sent together as the system message, and the text is the user ',
    'message. A program scores each answer: the share of the six fields right, after forgiving case and spacing in names, ',
    'thousands separators in amounts and the like. A reply with no readable JSON object scores 0. What the dataset expects: ',
    'name is the customer (the person who pays, orders, asks or is billed, never the seller or its staff), full name, ',
    'no title such as Dr. or Mr.; email is the customer’s own address (an address written as "x [at] y [dot] com" is ',
    'x@y.com), never the seller’s; company is the customer’s organisation; amount is a JSON number, the sum the text is ',
    'about: the total after tax and discounts rather than a subtotal or list price, or the deposit when a deposit is paid ',
    '(12.5k is 12500; Rs. 1,20,000 is 120000); currency is the ISO 4217 code (a bare $ is ',
    'USD, C$ is CAD, A$ is AUD, ¥ is JPY, Rs. is INR); date is YYYY-MM-DD, the date of the payment, order or document (the ',
    'invoice date, not the due date), and 05/03/2024 style dates are day first. Every key is always present, with null ',
    'when the text does not give that field.',
  ].join(''),
  genome: ['system.md', 'examples.md'],
  evaluator: 'evaluate.ts',
  // GEPA's archive: it keeps every prompt that is best on some validation row, so specialists survive.
  archive: { kind: 'pareto' },
  // Reflection on the minibatch traces, whole rewrites, and GEPA's merge of two lines of descent.
  operators: ['llm-reflect', 'llm-rewrite', 'llm-merge'],
  // About 46 task calls per candidate (3 + 3 for the gate, 40 for validation), fewer when cached.
  budget: { evaluations: 50, costUsd: 2 },
  evaluation: {
    // A local 7B model answers 46 questions in minutes, not seconds.
    timeoutMs: 1_200_000,
    // Each evaluation already has 8 calls in flight; more evaluations at once only queue at the model.
    concurrency: 2,
    // The gate's score is the child's minibatch mean minus its parent's, so it can be as low as -1.
    scoreRange: { min: -1, max: 1 },
  },
});
