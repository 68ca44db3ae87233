/**
 * An imported candidate runs in a process of its own (lib/_ouro_apart.py). These tests hold the
 * evaluator's side of that to what an evaluator written for in-process imports expects: data,
 * numpy arrays, objects, generators and exceptions behave as they would in one process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import { cleanUp, startPython } from './evaluators.fixtures.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const numpy = await requireService('python3 with numpy and scipy', probes.numpy);

afterAll(cleanUp);

// Each check is one line of the evaluator; a failed check names itself in the feedback.
const EVALUATOR = `
import importlib.util, os
import numpy as np

def load(path):
    spec = importlib.util.spec_from_file_location("candidate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

def evaluate(program_path, context):
    m = load(program_path)
    failed = []
    def check(name, ok):
        if not ok:
            failed.append(name)
    check("runs apart", m.PID != os.getpid())
    check("its own imports load in its process", m.HELPER_PID == m.PID)
    check("data is copied", m.SIZES == [1, 2, (3, 4)] and isinstance(m.SIZES[2], tuple))
    check("dicts, sets, bytes, complex", m.MIXED == {1: {"a"}, "b": b"\\x00\\x01", "c": 1 + 2j})
    out = m.double(np.arange(6, dtype=np.float32).reshape(2, 3))
    check("arrays keep dtype and shape", out.dtype == np.float32 and out.shape == (2, 3) and out[1, 2] == 10)
    out[0, 0] = 7
    check("arrays come back writable", out[0, 0] == 7)
    check("numpy scalars stay numpy", isinstance(m.total(np.arange(4)), np.int64))
    check("keyword arguments", m.scale(2, factor=5) == 10)
    check("generators iterate", list(m.count(4)) == [0, 1, 2, 3])
    box = m.Box(5)
    check("objects and methods", box.get() == 5 and box.v == 5 and len(box) == 5 and 3 in box and box[2] == 4)
    box.v = 9
    check("attributes set on objects", box.get() == 9)
    check("functions keep their names", m.double.__name__ == "double")
    try:
        m.fail("bad input")
        check("exceptions are raised", False)
    except ValueError as error:
        check("exceptions keep their type and message", str(error) == "bad input")
        check("the candidate's traceback is a note", "in fail" in "".join(getattr(error, "__notes__", [])))
    m.LIMIT = 3
    check("module attributes set are forwarded", m.limited() == 3)
    check("names created later are fetched", m.made_later() == 1 and m.LATER == 1)
    try:
        m.leave()
        check("an exit is reported", False)
    except RuntimeError as error:
        check("an exit is reported", "exited with code 4" in str(error))
    return {"score": float(not failed), "feedback": ", ".join(failed)}
`;

const CANDIDATE = `
import os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import helper

PID = os.getpid()
HELPER_PID = helper.PID
SIZES = [1, 2, (3, 4)]
MIXED = {1: {"a"}, "b": b"\\x00\\x01", "c": 1 + 2j}
LIMIT = 10

def double(values):
    return values * 2

def total(values):
    return np.sum(values)

def scale(value, factor=1):
    return value * factor

def count(n):
    for i in range(n):
        yield i

class Box:
    def __init__(self, v):
        self.v = v
    def get(self):
        return self.v
    def __len__(self):
        return self.v
    def __contains__(self, item):
        return item < self.v
    def __getitem__(self, index):
        return index * 2

def fail(message):
    raise ValueError(message)

def limited():
    return LIMIT

def made_later():
    global LATER
    LATER = 1
    return LATER

def leave():
    os._exit(4)
`;

describe.skipIf(bubblewrap.missing || numpy.missing)(numpy.title(bubblewrap.title("an imported candidate's own process")), () => {
  it('behaves for the evaluator as an import into its own process would', async () => {
    const evaluators = await startPython(EVALUATOR);
    const evaluation = await evaluators.evaluate('c1', { 'main.py': CANDIDATE, 'helper.py': 'import os\nPID = os.getpid()\n' });
    expect({ status: evaluation.status, feedback: evaluation.feedback, error: evaluation.error }).toEqual({
      status: 'ok',
      feedback: '',
      error: undefined,
    });
    expect(evaluation.score).toBe(1);
  });

  it('refuses to pass the evaluator objects to the candidate, naming the type', async () => {
    const evaluators = await startPython(`
import importlib.util

def evaluate(program_path, context):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"score": module.apply(lambda x: x)}
`);
    const evaluation = await evaluators.evaluate('c1', { 'main.py': 'def apply(f):\n    return f(1.0)\n' });
    expect(evaluation).toMatchObject({ status: 'error', error: expect.stringMatching(/function \(only plain data can be passed/) });
  });

  it("stops the candidate's process at the end of a stage: a module kept from stage to stage says to load it again", async () => {
    const evaluators = await startPython(`
import importlib.util
kept = {}

def quick(program_path):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    kept["module"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kept["module"])
    return {"score": kept["module"].value()}

STAGES = [{"name": "quick", "evaluate": quick, "threshold": 0}]

def evaluate(program_path, context):
    return {"score": kept["module"].value() * 2}
`);
    const evaluation = await evaluators.evaluate('c1', { 'main.py': 'def value():\n    return 1.0\n' });
    expect(evaluation).toMatchObject({
      status: 'error',
      stage: 'final',
      error: expect.stringMatching(/end of stage 'quick': load the candidate again/),
    });
  });
});
